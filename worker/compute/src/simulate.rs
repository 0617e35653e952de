//! A game's state hash after every tick, one `tick hash` line each (the `pgt-compute simulate`
//! command; the determinism test compares separate processes with it).

use crate::{
	game::{autopilot, GameState},
	physics,
};
use anyhow::{bail, Context};
use pgt_primitives::work::TickInput;
use std::{io::Write, str::FromStr};

/// The player's inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inputs {
	/// The [`autopilot`] plays.
	Autopilot,
	/// These inputs, one per tick, repeated (never empty).
	Repeat(Vec<TickInput>),
	/// Keys held from a tick on: (tick, keys), ticks ascending; none before the first.
	/// What a host logs of a player's inputs (`pgt-worker`'s "game over" line).
	Changes(Vec<(u32, TickInput)>),
}

impl Inputs {
	/// The input of the tick after `state`, the `index`-th tick simulated.
	pub fn input(&self, index: usize, state: &GameState) -> TickInput {
		match self {
			Inputs::Autopilot => autopilot(state),
			Inputs::Repeat(pattern) => pattern[index % pattern.len()],
			Inputs::Changes(changes) => {
				let tick = u32::try_from(index + 1).unwrap_or(u32::MAX);
				changes.iter().take_while(|(t, _)| *t <= tick).last().map(|(_, k)| *k).unwrap_or(0)
			},
		}
	}
}

impl FromStr for Inputs {
	type Err = anyhow::Error;

	/// `auto`; hex byte pairs such as `01020408`; or key changes `tick:keys,…` such as
	/// `120:8,300:0` (decimal; keys held from that tick on).
	fn from_str(inputs: &str) -> anyhow::Result<Inputs> {
		if inputs == "auto" {
			return Ok(Inputs::Autopilot);
		}
		if inputs.contains(':') {
			let mut changes = Vec::new();
			for pair in inputs.split(',') {
				let (t, k) = pair.split_once(':').context("key changes are `tick:keys` pairs")?;
				let change: (u32, TickInput) = (t.parse().context("a tick")?, k.parse().context("keys (0-255)")?);
				if changes.last().is_some_and(|(last, _)| *last > change.0) {
					bail!("key changes must be in tick order");
				}
				changes.push(change);
			}
			return Ok(Inputs::Changes(changes));
		}
		if !inputs.is_ascii() || !inputs.len().is_multiple_of(2) || inputs.is_empty() {
			bail!("--inputs must be hex byte pairs, like 0102");
		}
		let pattern = (0..inputs.len())
			.step_by(2)
			.map(|i| u8::from_str_radix(&inputs[i..i + 2], 16))
			.collect::<Result<_, _>>()
			.context("--inputs must be hex")?;
		Ok(Inputs::Repeat(pattern))
	}
}

/// The game from `seed` after `ticks` ticks of `inputs`.
pub fn state_at(seed: u64, ticks: u32, inputs: &Inputs) -> GameState {
	let mut s = GameState::new(seed);
	for i in 0..ticks as usize {
		s = physics::step(&s, inputs.input(i, &s));
	}
	s
}

/// Simulates `ticks` ticks of the game from `seed` and writes `tick hash` for the first state
/// and after every tick (`ticks + 1` lines).
pub fn write_tick_hashes(seed: u64, ticks: u32, inputs: &Inputs, mut out: impl Write) -> std::io::Result<()> {
	let mut s = GameState::new(seed);
	writeln!(out, "{} {:?}", s.tick, s.hash())?;
	for i in 0..ticks as usize {
		let input = inputs.input(i, &s);
		s = physics::step(&s, input);
		tracing::debug!(tick = s.tick, input, ball = ?s.ball.pos, velocity = ?s.ball.linvel, gem = ?s.gem, score = s.score, "tick");
		writeln!(out, "{} {:?}", s.tick, s.hash())?;
	}
	out.flush()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn inputs_parse_as_auto_or_hex_pairs() {
		assert_eq!("auto".parse::<Inputs>().unwrap(), Inputs::Autopilot);
		assert_eq!("0105ff".parse::<Inputs>().unwrap(), Inputs::Repeat(vec![0x01, 0x05, 0xff]));
		assert_eq!("2:8,5:0".parse::<Inputs>().unwrap(), Inputs::Changes(vec![(2, 8), (5, 0)]));
		let changes = Inputs::Changes(vec![(2, 8), (5, 0)]);
		let s = GameState::new(1);
		// The i-th tick simulated produces tick i + 1.
		let held: Vec<_> = (0..6).map(|i| changes.input(i, &s)).collect();
		assert_eq!(held, [0, 8, 8, 8, 0, 0]);
		for bad in ["", "1", "0g", "é1", "010", "5:1,2:0", "a:1", "1:256"] {
			assert!(bad.parse::<Inputs>().is_err(), "{bad:?}");
		}
	}

	#[test]
	fn the_state_at_a_tick_is_the_last_one_simulate_prints() {
		let inputs = Inputs::Changes(vec![(3, 8), (9, 1)]);
		let mut out = Vec::new();
		write_tick_hashes(4, 12, &inputs, &mut out).unwrap();
		let last = String::from_utf8(out).unwrap().lines().last().unwrap().to_string();
		let s = state_at(4, 12, &inputs);
		assert_eq!(last, format!("12 {:?}", s.hash()));
		assert_eq!(s.tick, 12);
	}

	#[test]
	fn one_line_per_state() {
		let mut out = Vec::new();
		write_tick_hashes(5, 3, &Inputs::Repeat(vec![1, 2]), &mut out).unwrap();
		let text = String::from_utf8(out).unwrap();
		let lines: Vec<&str> = text.lines().collect();
		assert_eq!(lines.len(), 4);
		let second = physics::step(&GameState::new(5), 1);
		assert_eq!(lines[1], format!("{} {:?}", second.tick, second.hash()));
	}
}
