//! The `pgt-compute` command line end to end: `bench` (with its parallel `part` processes)
//! prints every figure, `render` writes one PNG per frame, and, started without an
//! `XDG_RUNTIME_DIR`, neither lets Mesa print its error about it.

use std::process::{Command, Output};

/// Runs `pgt-compute` without `XDG_RUNTIME_DIR`; checks that it succeeds and says nothing about it.
fn run(args: &[&str]) -> Output {
	let out = Command::new(env!("CARGO_BIN_EXE_pgt-compute"))
		.args(args)
		.env_remove("XDG_RUNTIME_DIR")
		.output()
		.expect("run pgt-compute");
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(out.status.success(), "{args:?}: {stderr}");
	assert!(!stderr.contains("XDG_RUNTIME_DIR"), "{args:?}: {stderr}");
	out
}

#[test]
fn bench_prints_every_figure_including_the_parallel_processes() {
	let out =
		run(&["bench", "--frames", "2", "--width", "64", "--height", "36", "--processes", "1,2", "--ticks", "10"]);
	let text = String::from_utf8(out.stdout).expect("utf-8");
	let lines: Vec<&str> = text.lines().collect();
	assert_eq!(lines.len(), 1 + 9 + 1 + 4, "{text}");
	assert!(lines[0].starts_with("backend: gpu: "), "{text}");
	let mut render = lines[1..10].iter();
	for grid in ["1x1", "2x2", "4x4"] {
		for name in ["gpu", "cpu", "cpu-1t"] {
			let line = render.next().expect("a render line");
			assert!(line.starts_with(&format!("render {name:>6} 64x36 as {grid} tiles: median ")), "{line}");
			assert!(line.ends_with(" tiles/s"), "{line}");
		}
	}
	assert!(lines[10].starts_with("physics: 10 ticks in "), "{text}");
	for (line, (backend, n)) in lines[11..].iter().zip([("gpu", 1), ("cpu", 1), ("gpu", 2), ("cpu", 2)]) {
		let start = format!("parallel {backend}: {n} process(es) render 2 frames of 64x36 as 4x4 tiles: ");
		assert!(line.starts_with(&start) && line.ends_with(" ms/frame"), "{line}");
	}
}

#[test]
fn render_writes_one_png_per_frame() {
	let dir = tempfile::tempdir().expect("a directory");
	let out_dir = dir.path().join("frames");
	let out_arg = out_dir.to_str().expect("utf-8 path");
	let out = run(&["render", "--frames", "3", "--width", "64", "--height", "36", "--tiles", "2x2", "--out", out_arg]);
	assert_eq!(
		String::from_utf8_lossy(&out.stdout),
		format!("wrote 3 frames of 64x36 (2x2 tiles each) to {out_arg}\n")
	);
	let mut files: Vec<_> = std::fs::read_dir(&out_dir)
		.expect("the directory was created")
		.map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
		.collect();
	files.sort();
	assert_eq!(files, ["frame-00000.png", "frame-00001.png", "frame-00002.png"]);
}
