//! Tests of the fee split (one topic, one file).

mod split;
