//! Cutting a frame into tiles and putting the tiles back together.
//!
//! A [`TileGrid`] of `cols × rows` splits a `width × height` frame into rectangles whose edges
//! fall at `i · width / cols` (so tiles differ in size by at most one pixel and cover the frame
//! exactly once); [`composite`] copies rendered tiles into a whole frame.

use pgt_primitives::work::{TileRect, BYTES_PER_PIXEL};
use std::{fmt, str::FromStr};
use thiserror::Error;

/// A grid of tiles, `cols` across and `rows` down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TileGrid {
	/// Tiles across.
	pub cols: u16,
	/// Tiles down.
	pub rows: u16,
}

/// Why a grid or a composite is refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum TileError {
	/// A grid with no tiles, or more tiles than pixels.
	#[error("a {cols}x{rows} grid does not fit a {width}x{height} frame")]
	BadGrid {
		/// Tiles across.
		cols: u16,
		/// Tiles down.
		rows: u16,
		/// Frame width.
		width: u16,
		/// Frame height.
		height: u16,
	},
	/// Not of the form `COLSxROWS`.
	#[error("tile grid must look like 4x4, got {0:?}")]
	Syntax(String),
	/// A tile reaches outside the frame.
	#[error("tile {0:?} reaches outside the frame")]
	Outside(TileRect),
	/// A tile's bytes don't match its size.
	#[error("tile {tile:?} has {got} bytes, expected {expected}")]
	Bytes {
		/// The tile.
		tile: TileRect,
		/// Bytes given.
		got: usize,
		/// Bytes it needs.
		expected: usize,
	},
}

impl TileGrid {
	/// One tile: the whole frame.
	pub const WHOLE: TileGrid = TileGrid { cols: 1, rows: 1 };

	/// The tiles of a `width × height` frame, row by row.
	pub fn split(&self, width: u16, height: u16) -> Result<Vec<TileRect>, TileError> {
		if self.cols == 0 || self.rows == 0 || self.cols > width || self.rows > height {
			return Err(TileError::BadGrid { cols: self.cols, rows: self.rows, width, height });
		}
		let edge = |i: u16, n: u16, len: u16| (u32::from(i) * u32::from(len) / u32::from(n)) as u16;
		let mut tiles = Vec::with_capacity(usize::from(self.cols) * usize::from(self.rows));
		for r in 0..self.rows {
			let (y0, y1) = (edge(r, self.rows, height), edge(r + 1, self.rows, height));
			for c in 0..self.cols {
				let (x0, x1) = (edge(c, self.cols, width), edge(c + 1, self.cols, width));
				tiles.push(TileRect { x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
			}
		}
		Ok(tiles)
	}

	/// Number of tiles.
	pub fn count(&self) -> usize {
		usize::from(self.cols) * usize::from(self.rows)
	}
}

impl fmt::Display for TileGrid {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "{}x{}", self.cols, self.rows)
	}
}

impl FromStr for TileGrid {
	type Err = TileError;
	fn from_str(s: &str) -> Result<Self, Self::Err> {
		let (c, r) = s.split_once(['x', 'X']).ok_or_else(|| TileError::Syntax(s.into()))?;
		let parse = |v: &str| v.trim().parse::<u16>().map_err(|_| TileError::Syntax(s.into()));
		Ok(TileGrid { cols: parse(c)?, rows: parse(r)? })
	}
}

/// Cuts the bytes of a batch of rendered tiles (one after the other, each `w × h × 4`, as the
/// renderers write them) back into the tiles. Panics if `bytes` is shorter than the tiles need
/// (renderers always write exactly that much).
pub fn batch_tiles<'a>(tiles: &'a [TileRect], bytes: &'a [u8]) -> impl Iterator<Item = (TileRect, &'a [u8])> + 'a {
	let mut at = 0;
	tiles.iter().map(move |t| {
		let len = usize::from(t.w) * usize::from(t.h) * BYTES_PER_PIXEL as usize;
		let s = &bytes[at..at + len];
		at += len;
		(*t, s)
	})
}

/// Copies tiles (each `w × h × 4` bytes, row by row) into a `width × height` RGBA8 frame.
pub fn composite<'a>(
	width: u16,
	height: u16,
	tiles: impl IntoIterator<Item = (TileRect, &'a [u8])>,
	frame: &mut Vec<u8>,
) -> Result<(), TileError> {
	let bpp = BYTES_PER_PIXEL as usize;
	let stride = usize::from(width) * bpp;
	frame.resize(stride * usize::from(height), 0);
	for (tile, bytes) in tiles {
		if u32::from(tile.x) + u32::from(tile.w) > u32::from(width)
			|| u32::from(tile.y) + u32::from(tile.h) > u32::from(height)
		{
			return Err(TileError::Outside(tile));
		}
		let row = usize::from(tile.w) * bpp;
		let expected = row * usize::from(tile.h);
		if bytes.len() != expected {
			return Err(TileError::Bytes { tile, got: bytes.len(), expected });
		}
		for (j, line) in bytes.chunks_exact(row.max(1)).enumerate() {
			let at = (usize::from(tile.y) + j) * stride + usize::from(tile.x) * bpp;
			frame[at..at + row].copy_from_slice(line);
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn tiles_cover_the_frame_exactly_once() {
		for (w, h, grid) in [(640, 360, "4x4"), (641, 359, "3x5"), (7, 3, "7x3"), (1920, 1080, "16x9")] {
			let grid: TileGrid = grid.parse().expect("grid");
			let tiles = grid.split(w, h).expect("split");
			assert_eq!(tiles.len(), grid.count());
			let mut seen = vec![0u8; usize::from(w) * usize::from(h)];
			for t in &tiles {
				assert!(t.w > 0 && t.h > 0);
				for y in t.y..t.y + t.h {
					for x in t.x..t.x + t.w {
						seen[usize::from(y) * usize::from(w) + usize::from(x)] += 1;
					}
				}
			}
			assert!(seen.iter().all(|&n| n == 1), "{w}x{h} {grid}");
		}
	}

	#[test]
	fn bad_grids_are_refused() {
		assert!(matches!(TileGrid { cols: 0, rows: 2 }.split(64, 64), Err(TileError::BadGrid { .. })));
		assert!(matches!(TileGrid { cols: 65, rows: 1 }.split(64, 64), Err(TileError::BadGrid { .. })));
		assert_eq!("4by4".parse::<TileGrid>(), Err(TileError::Syntax("4by4".into())));
		assert_eq!("4x".parse::<TileGrid>(), Err(TileError::Syntax("4x".into())));
	}

	#[test]
	fn composite_checks_sizes() {
		let mut frame = Vec::new();
		let t = TileRect { x: 2, y: 0, w: 2, h: 2 };
		assert_eq!(composite(4, 2, [(t, &[1u8; 16][..])], &mut frame), Ok(()));
		assert_eq!(&frame[8..16], &[1u8; 8]);
		assert_eq!(&frame[0..8], &[0u8; 8]);
		assert!(matches!(composite(4, 2, [(t, &[1u8; 15][..])], &mut frame), Err(TileError::Bytes { .. })));
		let outside = TileRect { x: 3, y: 0, w: 2, h: 2 };
		assert_eq!(composite(4, 2, [(outside, &[1u8; 16][..])], &mut frame), Err(TileError::Outside(outside)));
	}
}
