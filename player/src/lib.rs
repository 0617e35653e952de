//! `pgt-player`, the player's client. Built so far: what a receipt says ([`billing`]). The
//! binary (`pgt-player play`: host choice by latency, escrow, the browser view, receipts)
//! follows in the modules to come.

pub mod billing;
