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
//!
//! ## Where things are
//! Declarations here; transactions in `transact.rs`, verifying keys in `keys.rs`, the pool
//! account and its roots in `pool.rs`, proof verification in [`verifier`], the invariants in
//! `try_state.rs`.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod fixture_gen;
pub mod fixtures;
mod keys;
#[cfg(test)]
mod mock;
mod pool;
#[cfg(test)]
mod tests;
mod transact;
#[cfg(any(feature = "std", feature = "try-runtime"))]
mod try_state;
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

	/// Defaults for mock runtimes: `#[derive_impl(config_preludes::TestDefaultConfig)]` and set
	/// `Currency`.
	pub mod config_preludes {
		use super::*;
		use polkadot_sdk::frame_support::{
			derive_impl, register_default_impl,
			traits::{ConstU32, ConstU64},
		};
		use polkadot_sdk::frame_system;

		/// The shielded pool's defaults for tests: verification through the host calls, roots
		/// valid for 5 blocks, notes of up to 128 bytes.
		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			#[inject_runtime_type]
			type RuntimeEvent = ();
			type Verifier = HostCallVerifier;
			type PalletId = ShieldedPalletId;
			type RootHistory = ConstU64<5>;
			type MaxEncryptedNoteLen = ConstU32<128>;
			type WeightInfo = ();
		}

		polkadot_sdk::frame_support::parameter_types! {
			/// The pool account's id.
			pub const ShieldedPalletId: PalletId = PalletId(*b"pgt/shld");
		}
	}

	/// Configuration of the shielded pool.
	#[pallet::config(with_default)]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type.
		#[pallet::no_default_bounds]
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// The currency held in the pool (PGT).
		#[pallet::no_default]
		type Currency: fungible::Mutate<Self::AccountId>;

		/// How proofs are verified: [`HostCallVerifier`] in a runtime whose node registers the
		/// BLS12-381 host functions, [`PureVerifier`] otherwise.
		type Verifier: ProofVerifier;

		/// The pool account is derived from this id.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// A root stays a valid anchor this many blocks after the block it was last current in.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type RootHistory: Get<BlockNumberFor<Self>>;

		/// Most bytes of one encrypted note.
		#[pallet::constant]
		type MaxEncryptedNoteLen: Get<u32>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// Proven transactions for this runtime's types ([`fixtures`]: `fixtures::RUNTIME` for
		/// AccountId32/u128/u32), which the benchmarks submit.
		#[cfg(feature = "runtime-benchmarks")]
		#[pallet::no_default]
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

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::check_invariants()
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
}
