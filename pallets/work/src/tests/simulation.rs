//! Seeded simulations: honest work is never punished, and cheating is caught as often as the
//! parameters promise (docs/verification.md has the arithmetic).

use super::*;
use crate::draw::{challenge_indices, miss_probability_ppb};

/// Runs one window through the pallet with randomness `seed`: commit `w`, open, all auditors
/// vote honestly. Returns the verdict and the challenged indices.
fn one_window(s: &Setup, w: &WorkWindow, seed: u32) -> (Verdict, Vec<u32>) {
	heartbeat_all();
	set_random_seed(H256(blake2_256(&seed.encode())));
	let (id, auditors) = committed_and_opened(s, w);
	assert_eq!(auditors.len() as u32, AUDITORS);
	honest_audit(&s.host, id);
	let verdict = settled_event(id).expect("settled at the last reveal").0;
	let indices = challenged(id);
	check_invariants().expect("the pallets' invariants hold after every window");
	// On to the next window.
	let next = (System::block_number() / WINDOW + 1) * WINDOW + 1;
	run_to(next);
	System::reset_events();
	(verdict, indices)
}

#[test]
fn an_honest_contributor_is_never_slashed_over_many_random_windows() {
	new_test_ext().execute_with(|| {
		let s = setup();
		for window in 0..40u32 {
			// Window sizes from a single task to thousands.
			let n = 1 + (blake2_256(&window.encode())[0] as u32) * 13;
			let w = WorkWindow::new(n, window * 1_000, |_| false);
			let (verdict, _) = one_window(&s, &w, window);
			assert_eq!(verdict, Verdict::Honest, "window {window} with {n} tasks");
		}
		assert_eq!(stake(&s.host), MIN_STAKE);
		assert!(reputation(&s.host) > Perbill::from_percent(50));
	});
}

#[test]
fn a_cheater_is_caught_exactly_when_a_lie_is_challenged() {
	new_test_ext().execute_with(|| {
		let s = setup();
		// Lies on 1 task in 20 (5 %) of 200 per window.
		let lies = |i: u32| i % 20 == 7;
		let windows = 60u32;
		let mut caught = 0u32;
		for window in 0..windows {
			let w = WorkWindow::new(200, window * 1_000, lies);
			let (verdict, indices) = one_window(&s, &w, 10_000 + window);
			let challenged_a_lie = indices.iter().any(|&i| lies(i));
			assert_eq!(verdict == Verdict::Wrong, challenged_a_lie, "window {window}: {indices:?}");
			assert!(matches!(verdict, Verdict::Wrong | Verdict::Honest));
			caught += u32::from(challenged_a_lie);
		}
		// P(caught) = 1 − C(190, 10) / C(200, 10) ≈ 40.9 %: 24.5 of 60 expected, σ ≈ 3.8.
		let p = 1.0 - miss_probability_ppb(200, 10, K) as f64 / 1e9;
		let (mean, sd) = (p * f64::from(windows), (p * (1.0 - p) * f64::from(windows)).sqrt());
		assert!((f64::from(caught) - mean).abs() < 4.0 * sd, "caught {caught} of {windows}, expected {mean:.1}");
		assert_eq!(stake(&s.host), (0..caught).fold(MIN_STAKE, |st, _| st - st / 10));
	});
}

#[test]
fn the_draw_finds_a_five_percent_cheater_as_the_arithmetic_says() {
	// 20,000 seeded windows of 1,000 tasks, 50 of them lies, k = 10.
	let (n, bad, trials) = (1_000u32, 50u32, 20_000u32);
	let is_lie = |i: u32| i % 20 == 3;
	let missed = (0..trials)
		.filter(|t| {
			let seed = H256(blake2_256(&(b"sim", t).encode()));
			!challenge_indices(&seed, n, K).into_iter().any(is_lie)
		})
		.count() as f64;
	let p_miss = miss_probability_ppb(n, bad, K) as f64 / 1e9;
	let sd = (p_miss * (1.0 - p_miss) / f64::from(trials)).sqrt();
	assert!((missed / f64::from(trials) - p_miss).abs() < 4.0 * sd, "missed {missed}, expected {p_miss}");
	// Per window about 40 % are caught; over 10 windows more than 99 %.
	assert!(p_miss < 0.6);
	assert!(1.0 - p_miss.powi(10) >= 0.99);

	// Careers of 10 windows each: at most 1 % escape.
	let careers = 2_000u32;
	let escaped = (0..careers)
		.filter(|c| {
			(0..10u32).all(|w| {
				let seed = H256(blake2_256(&(b"career", c, w).encode()));
				!challenge_indices(&seed, n, K).into_iter().any(is_lie)
			})
		})
		.count();
	assert!(escaped * 100 <= careers as usize, "{escaped} of {careers} cheaters escaped 10 windows");
}
