//! # PGT shielded pool
//!
//! Holders move PGT privately: the chain sees Groth16 proofs, nullifiers and note commitments,
//! never who paid whom or how much moved inside the pool. One call, [`Pallet::transact`], does
//! all three kinds of transaction with the same 2-in-2-out circuit (`pgt-zk`):
//!
//! - **shield**: `ext_amount > 0` moves that much from the caller into the pool account and
//!   creates notes worth it;
//! - **transfer**: `ext_amount = 0` spends notes and creates notes of the same total;
//! - **unshield**: `ext_amount < 0` spends notes and pays `|ext_amount| − fee` … precisely:
//!   the notes lose `|ext_amount| + fee`; `recipient` gets `|ext_amount|`, `relayer` the fee.
//!
//! The public amount the proof balances against is `ext_amount − fee`, computed here, never
//! taken from the caller. `transact` checks, in this order, and changes nothing unless all
//! pass: not expired; a verifying key is set; the amounts fit 64 bits and a fee has a relayer;
//! the root is the current root or one of the last [`Config::RootHistory`] blocks' (never the
//! empty tree's); the two nullifiers differ and are unspent; every public input is a canonical
//! field element; the proof verifies; the tree has room for two leaves. Then it moves the public
//! amount, records the nullifiers and appends the two commitments to the note tree (each with
//! its encrypted note, in storage and in an event, for wallets to scan). The pool account always holds the sum of the
//! unspent notes' values plus the existential deposit it was given at genesis.
//!
//! The verifying key is set by Root ([`Pallet::set_verifying_key`]), versioned. The dev chain's
//! key comes from the **INSECURE dev setup** (`pgt-zk`); see `docs/shielded.md`.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod fixture_gen;
pub mod fixtures;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod verifier;
pub mod weights;

pub use types::*;
pub use verifier::{HostCallVerifier, ProofVerifier, PureVerifier};
pub use weights::WeightInfo;

use pgt_primitives::shielded::{ext_data_hash, ExtData, FieldBytes};
use pgt_zk::{
	tree::Frontier,
	verify::{decode_field, encode_field, VerifyError, PUBLIC_INPUTS},
	TREE_DEPTH,
};
use polkadot_sdk::{
	frame_support::{
		traits::{
			fungible::{self, Inspect, Mutate},
			tokens::Preservation,
		},
		PalletId,
	},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::{
		traits::{AccountIdConversion, Saturating, Zero},
		SaturatedConversion,
	},
};

/// The balance type of the pool's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as polkadot_sdk::frame_system::Config>::AccountId>>::Balance;
/// The external data of a transaction on this chain.
pub type ExtDataOf<T> = ExtData<<T as polkadot_sdk::frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;
/// Most bytes of a verifying key (a 7-input Groth16 key, compressed, is 728).
pub const MAX_KEY_LEN: u32 = 1024;

pub use pgt_zk::note::genesis_leaf;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use polkadot_sdk::{frame_support::pallet_prelude::*, frame_system::pallet_prelude::*};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Configuration of the shielded pool.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// The currency held in the pool (PGT).
		type Currency: fungible::Mutate<Self::AccountId>;

		/// How proofs are verified: [`HostCallVerifier`] in a runtime whose node registers the
		/// BLS12-381 host functions, [`PureVerifier`] otherwise.
		type Verifier: ProofVerifier;

		/// The pool account is derived from this id.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// A root stays a valid anchor this many blocks after the block it was last current in.
		#[pallet::constant]
		type RootHistory: Get<BlockNumberFor<Self>>;

		/// Most bytes of one encrypted note.
		#[pallet::constant]
		type MaxEncryptedNoteLen: Get<u32>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// Proven transactions for this runtime's types ([`fixtures`]: `fixtures::RUNTIME` for
		/// AccountId32/u128/u32), which the benchmarks submit.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkFixture: Get<&'static [u8]>;
	}

	/// Verifying keys by version: the compressed arkworks encoding as set (points checked then),
	/// and, computed then for verification, the key laid out for the host calls with
	/// `e(alpha, beta)`.
	#[pallet::storage]
	pub type VerifyingKeys<T: Config> = StorageMap<_, Twox64Concat, u32, StoredKey>;

	/// The version of the verifying key in force (0: none set, transactions are refused).
	#[pallet::storage]
	pub type KeyVersion<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The note tree's frontier (stored at genesis with the genesis leaf; read as that tree if
	/// absent).
	#[pallet::storage]
	pub type Tree<T: Config> = StorageValue<_, TreeState>;

	/// The root at the end of each of the last `RootHistory` blocks in which the tree changed.
	#[pallet::storage]
	pub type RootAt<T: Config> = StorageMap<_, Twox64Concat, BlockNumberFor<T>, FieldBytes>;

	/// Recent roots and the last block they were current in (the anchors proofs may use).
	#[pallet::storage]
	pub type RecentRoots<T: Config> = StorageMap<_, Identity, FieldBytes, BlockNumberFor<T>>;

	/// Whether the tree changed in this block (its root is recorded at the end of the block).
	#[pallet::storage]
	pub type TreeChanged<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// Spent nullifiers and the block they were spent in.
	#[pallet::storage]
	pub type Nullifiers<T: Config> = StorageMap<_, Identity, FieldBytes, BlockNumberFor<T>>;

	/// Every note commitment by leaf index, with its encrypted note (what wallets scan).
	#[pallet::storage]
	pub type Notes<T: Config> = StorageMap<_, Twox64Concat, u64, (FieldBytes, BoundedVec<u8, T::MaxEncryptedNoteLen>)>;

	/// Events of the shielded pool.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A transaction went through: these notes were spent (by nullifier) and the public amount
		/// moved (`ext_amount` > 0 into the pool, < 0 out of it to the recipient; `fee` to the relayer).
		Transacted {
			/// Nullifiers of the spent notes.
			nullifiers: [FieldBytes; 2],
			/// Value into (+) or out of (−) the pool, apart from the fee.
			ext_amount: i128,
			/// Fee paid from the pool to the relayer.
			fee: BalanceOf<T>,
		},
		/// A note was added to the tree; its owner finds it by decrypting `encrypted_note`.
		NoteAdded {
			/// Its leaf index.
			index: u64,
			/// Its commitment.
			commitment: FieldBytes,
			/// The note, encrypted to its owner.
			encrypted_note: BoundedVec<u8, T::MaxEncryptedNoteLen>,
		},
		/// Root set a new verifying key; transactions are verified with it from now on.
		VerifyingKeySet {
			/// Its version.
			version: u32,
		},
	}

	/// Why a shielded transaction was refused.
	#[pallet::error]
	pub enum Error<T> {
		/// No verifying key has been set yet.
		NoVerifyingKey,
		/// The verifying key bytes are not a valid key for this circuit.
		MalformedVerifyingKey,
		/// The transaction's expiry block has passed.
		Expired,
		/// The root is not the current root or a recent one.
		UnknownRoot,
		/// The root is the empty tree's, which is never an anchor.
		EmptyRoot,
		/// A nullifier has been spent before (a double spend).
		NullifierSpent,
		/// The two nullifiers are the same.
		DuplicateNullifier,
		/// A public input is not the canonical encoding of a field element (≥ the modulus).
		NonCanonicalInput,
		/// The proof bytes are not valid curve points in the right subgroups.
		MalformedProof,
		/// The proof does not verify for these inputs and this external data.
		InvalidProof,
		/// `ext_amount` or `fee` does not fit 64 bits.
		AmountOutOfRange,
		/// A fee without a relayer to pay it to.
		FeeWithoutRelayer,
		/// An unshield without a recipient, or a recipient for a shield or transfer.
		BadRecipient,
		/// The note tree is full.
		TreeFull,
	}

	/// Genesis: the verifying key in force from block 0 (empty for none), and the existential
	/// deposit that keeps the pool account alive.
	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// A verifying key (compressed); the dev presets use the INSECURE dev setup's.
		pub verifying_key: Vec<u8>,
		#[serde(skip)]
		pub _marker: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if !self.verifying_key.is_empty() {
				Pallet::<T>::do_set_verifying_key(self.verifying_key.clone()).expect("genesis verifying key is valid");
			}
			// The tree with its genesis leaf, stored so no transaction has to build it.
			if Tree::<T>::get().is_none() {
				Tree::<T>::put(TreeState::from(&Pallet::<T>::tree()));
			}
			let pool = Pallet::<T>::pool_account();
			if T::Currency::balance(&pool).is_zero() {
				let _ = T::Currency::mint_into(&pool, T::Currency::minimum_balance());
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Forgets the root of the block that just left the history window.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let old = now.saturating_sub(T::RootHistory::get()).saturating_sub(1u32.into());
			if let Some(root) = RootAt::<T>::take(old) {
				if RecentRoots::<T>::get(root) == Some(old) {
					RecentRoots::<T>::remove(root);
				}
			}
			T::WeightInfo::block_hooks()
		}

		/// Records the root at the end of a block in which the tree changed.
		fn on_finalize(now: BlockNumberFor<T>) {
			// A changed tree is always stored (by `transact`): read its root, don't rebuild it. An
			// unchanged tree is not read at all.
			if TreeChanged::<T>::take() {
				if let Some(tree) = Tree::<T>::get() {
					RootAt::<T>::insert(now, tree.root);
					RecentRoots::<T>::insert(tree.root, now);
				}
			}
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Shields, transfers or unshields PGT with a Groth16 proof (see the pallet docs).
		///
		/// - `proof`: the proof, uncompressed (384 bytes: no square roots to take on chain);
		/// - `inputs`: the root proven against, the two input nullifiers, the two output
		///   commitments;
		/// - `ext`: recipient, `ext_amount` (+ shield, − unshield, 0 transfer), relayer, fee,
		///   expiry; hashed with the chain's genesis hash and the encrypted notes into the
		///   proof's `ext_data_hash`, so none of it can be changed or replayed elsewhere;
		/// - `encrypted_notes`: the two output notes, encrypted to their owners.
		///
		/// Anyone may submit (a relayer can, for a fee, so the spender needs no public account).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::transact())]
		pub fn transact(
			origin: OriginFor<T>,
			proof: BoundedVec<u8, ConstU32<{ pgt_zk::verify::PROOF_LEN as u32 }>>,
			inputs: TransactionInputs,
			ext: ExtDataOf<T>,
			encrypted_notes: [BoundedVec<u8, T::MaxEncryptedNoteLen>; 2],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_transact(&who, &proof, inputs, ext, encrypted_notes)
		}

		/// Sets a new verifying key (Root only). It gets the next version and is used from now on.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_verifying_key())]
		pub fn set_verifying_key(origin: OriginFor<T>, key: BoundedVec<u8, ConstU32<MAX_KEY_LEN>>) -> DispatchResult {
			ensure_root(origin)?;
			Self::do_set_verifying_key(key.into_inner())
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// The note tree's root now, and how many leaves it has.
		pub fn tree_root() -> (FieldBytes, u64) {
			let t = Self::tree();
			(encode_field(&t.root), t.next_index)
		}

		/// Whether a proof may be made against `root` now (the current root or a recent one).
		pub fn root_is_known(root: FieldBytes) -> bool {
			Self::is_known_root(&root)
		}

		/// Whether `nullifier` has been spent.
		pub fn is_spent(nullifier: FieldBytes) -> bool {
			Nullifiers::<T>::contains_key(nullifier)
		}

		/// Up to 256 notes from leaf `from` on: (index, commitment, encrypted note), for wallets
		/// to rebuild the tree and find their notes. Leaf 0 is the genesis leaf
		/// ([`genesis_leaf`]), which has no note.
		pub fn notes_from(from: u64, count: u32) -> Vec<(u64, FieldBytes, Vec<u8>)> {
			let end = from.saturating_add(u64::from(count.min(256))).min(Self::tree().next_index);
			(from..end).filter_map(|i| Notes::<T>::get(i).map(|(cm, note)| (i, cm, note.into_inner()))).collect()
		}
	}

	impl<T: Config> Pallet<T> {
		/// The pool account: it holds all shielded PGT.
		pub fn pool_account() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		/// The note tree now.
		pub fn tree() -> Frontier<TREE_DEPTH> {
			match Tree::<T>::get() {
				Some(t) => t.frontier(),
				None => {
					let mut f = Frontier::default();
					let _ = f.insert(genesis_leaf());
					f
				},
			}
		}

		/// The chain's genesis hash as the transactions' external data binds it.
		pub fn genesis_hash() -> [u8; 32] {
			let h = polkadot_sdk::frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
			let mut out = [0u8; 32];
			let bytes = h.as_ref();
			let n = bytes.len().min(32);
			out[..n].copy_from_slice(&bytes[..n]);
			out
		}

		/// Whether `root` may be proven against now.
		pub fn is_known_root(root: &FieldBytes) -> bool {
			Self::is_anchor(root, &Self::tree())
		}

		/// Whether `root` is `tree`'s current root or a recent one.
		fn is_anchor(root: &FieldBytes, tree: &Frontier<TREE_DEPTH>) -> bool {
			*root == encode_field(&tree.root) || RecentRoots::<T>::contains_key(root)
		}

		/// The proof's public inputs for a transaction: `inputs` as given, the public amount
		/// `ext_amount − fee` and the hash of the external data, the chain's genesis hash and the
		/// encrypted notes. Amounts must already be checked to fit 64 bits.
		pub(crate) fn public_inputs(
			inputs: &TransactionInputs,
			ext: &ExtDataOf<T>,
			notes: [&[u8]; 2],
		) -> [FieldBytes; PUBLIC_INPUTS] {
			let fee: u128 = ext.fee.saturated_into();
			let amount = pgt_zk::verify::public_amount(ext.ext_amount.saturating_sub(fee.saturated_into()));
			[
				inputs.root,
				inputs.nullifiers[0],
				inputs.nullifiers[1],
				inputs.commitments[0],
				inputs.commitments[1],
				encode_field(&amount),
				ext_data_hash(&Self::genesis_hash(), ext, &notes),
			]
		}

		pub(crate) fn do_set_verifying_key(key: Vec<u8>) -> DispatchResult {
			let (prepared, alpha_beta) = verifier::prepare_key(&key).map_err(|_| Error::<T>::MalformedVerifyingKey)?;
			let key = StoredKey {
				key: key.try_into().map_err(|_| Error::<T>::MalformedVerifyingKey)?,
				alpha_beta: alpha_beta.try_into().map_err(|_| Error::<T>::MalformedVerifyingKey)?,
				prepared: prepared.try_into().map_err(|_| Error::<T>::MalformedVerifyingKey)?,
			};
			let version = KeyVersion::<T>::get().saturating_add(1);
			VerifyingKeys::<T>::insert(version, key);
			KeyVersion::<T>::put(version);
			Self::deposit_event(Event::VerifyingKeySet { version });
			Ok(())
		}

		pub(crate) fn do_transact(
			who: &T::AccountId,
			proof: &[u8],
			inputs: TransactionInputs,
			ext: ExtDataOf<T>,
			encrypted_notes: [BoundedVec<u8, T::MaxEncryptedNoteLen>; 2],
		) -> DispatchResult {
			let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
			ensure!(now <= ext.expiry, Error::<T>::Expired);
			let key = VerifyingKeys::<T>::get(KeyVersion::<T>::get()).ok_or(Error::<T>::NoVerifyingKey)?;

			// Amounts: both fit 64 bits, so the public amount can't wrap the field.
			let fee: u128 = ext.fee.saturated_into();
			ensure!(
				fee <= u128::from(u64::MAX) && ext.ext_amount.unsigned_abs() <= u128::from(u64::MAX),
				Error::<T>::AmountOutOfRange
			);
			ensure!(fee == 0 || ext.relayer.is_some(), Error::<T>::FeeWithoutRelayer);
			ensure!((ext.ext_amount < 0) == ext.recipient.is_some(), Error::<T>::BadRecipient);

			ensure!(inputs.root != encode_field(&Frontier::<TREE_DEPTH>::empty_root()), Error::<T>::EmptyRoot);
			// Read and decode the tree once: for the root check here and the insertions below.
			let mut tree = Self::tree();
			ensure!(Self::is_anchor(&inputs.root, &tree), Error::<T>::UnknownRoot);
			ensure!(inputs.nullifiers[0] != inputs.nullifiers[1], Error::<T>::DuplicateNullifier);
			for nf in &inputs.nullifiers {
				ensure!(!Nullifiers::<T>::contains_key(nf), Error::<T>::NullifierSpent);
			}
			for value in inputs.nullifiers.iter().chain(core::iter::once(&inputs.root)) {
				ensure!(decode_field(value).is_some(), Error::<T>::NonCanonicalInput);
			}
			// The commitments are the leaves appended below: decoded (and so checked) once.
			let (Some(a), Some(b)) = (decode_field(&inputs.commitments[0]), decode_field(&inputs.commitments[1]))
			else {
				return Err(Error::<T>::NonCanonicalInput.into());
			};

			let public = Self::public_inputs(&inputs, &ext, [&encrypted_notes[0], &encrypted_notes[1]]);
			T::Verifier::verify(&key.prepared, &key.alpha_beta, proof, &public).map_err(|e| match e {
				VerifyError::MalformedProof => Error::<T>::MalformedProof,
				VerifyError::MalformedKey => Error::<T>::NoVerifyingKey,
				VerifyError::NonCanonicalInput(_) => Error::<T>::NonCanonicalInput,
				VerifyError::InvalidProof => Error::<T>::InvalidProof,
			})?;

			// The tree (on the copy read above; it fails only if full), then money (the caller may
			// not have the amount), then storage.
			let indices = tree.insert_pair(a, b).map_err(|_| Error::<T>::TreeFull)?;
			let pool = Self::pool_account();
			let amount: BalanceOf<T> =
				ext.ext_amount.unsigned_abs().try_into().map_err(|_| Error::<T>::AmountOutOfRange)?;
			if ext.ext_amount > 0 {
				T::Currency::transfer(who, &pool, amount, Preservation::Preserve)?;
			} else if let (true, Some(recipient)) = (ext.ext_amount < 0, &ext.recipient) {
				T::Currency::transfer(&pool, recipient, amount, Preservation::Preserve)?;
			}
			if let Some(relayer) = &ext.relayer {
				if !ext.fee.is_zero() {
					T::Currency::transfer(&pool, relayer, ext.fee, Preservation::Preserve)?;
				}
			}

			for nf in &inputs.nullifiers {
				Nullifiers::<T>::insert(nf, now);
			}
			for ((index, cm), note) in [indices.0, indices.1].into_iter().zip(inputs.commitments).zip(encrypted_notes) {
				Notes::<T>::insert(index, (cm, note.clone()));
				Self::deposit_event(Event::NoteAdded { index, commitment: cm, encrypted_note: note });
			}
			Tree::<T>::put(TreeState::from(&tree));
			TreeChanged::<T>::put(true);
			Self::deposit_event(Event::Transacted {
				nullifiers: inputs.nullifiers,
				ext_amount: ext.ext_amount,
				fee: ext.fee,
			});
			Ok(())
		}
	}
}
