//! The worker's network key: an Ed25519 libp2p key in a file of its own (mode 0600), whose peer
//! id goes into the worker's on-chain profile. Players dial that peer id, so the key must stay
//! the same across restarts; losing it means updating the profile.

use pgt_net::{NetworkKeypair, PeerId};
use std::{
	fs,
	io::Write,
	path::{Path, PathBuf},
};
use thiserror::Error;

/// What can go wrong with a key file.
#[derive(Debug, Error)]
pub enum KeyError {
	/// Generating would overwrite a key (and so change the peer id players know).
	#[error("{0} already exists; refusing to overwrite a network key (its peer id may be registered on chain)")]
	Exists(PathBuf),
	/// The file could not be read or written.
	#[error("{path}: {source}")]
	Io {
		/// The key file.
		path: PathBuf,
		/// The error.
		source: std::io::Error,
	},
	/// The file does not hold a libp2p key.
	#[error("{0} does not hold a libp2p network key (protobuf-encoded Ed25519)")]
	Malformed(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
	move |source| KeyError::Io { path: path.to_path_buf(), source }
}

/// Generates a new Ed25519 key and writes it to `path` (created with mode 0600, never
/// overwritten). Returns its peer id.
pub fn generate(path: &Path) -> Result<PeerId, KeyError> {
	let key = NetworkKeypair::generate_ed25519();
	let bytes = key.to_protobuf_encoding().map_err(|_| KeyError::Malformed(path.to_path_buf()))?;
	if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
		fs::create_dir_all(dir).map_err(io(path))?;
	}
	let mut options = fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
	let mut file = options.open(path).map_err(|e| match e.kind() {
		std::io::ErrorKind::AlreadyExists => KeyError::Exists(path.to_path_buf()),
		_ => KeyError::Io { path: path.to_path_buf(), source: e },
	})?;
	file.write_all(&bytes).and_then(|()| file.sync_all()).map_err(io(path))?;
	Ok(key.public().to_peer_id())
}

/// Reads the key at `path`.
pub fn load(path: &Path) -> Result<NetworkKeypair, KeyError> {
	let bytes = fs::read(path).map_err(io(path))?;
	NetworkKeypair::from_protobuf_encoding(&bytes).map_err(|_| KeyError::Malformed(path.to_path_buf()))
}
