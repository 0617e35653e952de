//! The node's JSON-RPC beyond what `sc-service` always serves (`system_*`, `chain_*`,
//! `state_*`, `author_*`, `chainHead_v1_*`, …): account nonces (`system_accountNextIndex`),
//! fee queries (`payment_*`), BABE (`babe_epochAuthorship`), GRANDPA (`grandpa_*`) and the
//! chain spec with a light-client checkpoint (`sync_state_genSyncSpec`).
//! All are standard methods that Polkadot.js and subxt know; there are no custom ones.

use jsonrpsee::RpcModule;
use pgt_primitives::{AccountId, Balance, Nonce};
use pgt_runtime::opaque::Block;
use polkadot_sdk::{
	frame_system_rpc_runtime_api::AccountNonceApi,
	pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer},
	sc_chain_spec::ChainSpec,
	sc_client_api::AuxStore,
	sc_consensus_babe::BabeWorkerHandle,
	sc_consensus_babe_rpc::{Babe, BabeApiServer},
	sc_consensus_grandpa::{FinalityProofProvider, GrandpaJustificationStream, SharedAuthoritySet, SharedVoterState},
	sc_consensus_grandpa_rpc::{Grandpa, GrandpaApiServer},
	sc_rpc::SubscriptionTaskExecutor,
	sc_sync_state_rpc::{SyncState, SyncStateApiServer},
	sc_transaction_pool_api::TransactionPool,
	sp_api::ProvideRuntimeApi,
	sp_block_builder::BlockBuilder,
	sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata},
	sp_consensus::SelectChain,
	sp_consensus_babe::BabeApi,
	sp_keystore::KeystorePtr,
	substrate_frame_rpc_system::{System, SystemApiServer},
};
use std::sync::Arc;

/// What the BABE RPC needs.
pub struct BabeDeps<SC> {
	/// The keystore, to tell which slots this node may author.
	pub keystore: KeystorePtr,
	/// Handle to the BABE worker, for epoch data.
	pub babe_worker_handle: BabeWorkerHandle<Block>,
	/// The chain selection rule.
	pub select_chain: SC,
}

/// What the GRANDPA RPC needs.
pub struct GrandpaDeps<B> {
	/// Voting round state.
	pub shared_voter_state: SharedVoterState,
	/// The authority set.
	pub shared_authority_set: SharedAuthoritySet<<Block as polkadot_sdk::sp_runtime::traits::Block>::Hash, u32>,
	/// Stream of finality justifications.
	pub justification_stream: GrandpaJustificationStream<Block>,
	/// Executor for subscriptions.
	pub subscription_executor: SubscriptionTaskExecutor,
	/// Proves finality of blocks.
	pub finality_provider: Arc<FinalityProofProvider<B, Block>>,
}

/// Everything the full RPC needs.
pub struct FullDeps<C, P, SC, B> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The chain spec the node runs, which `sync_state_genSyncSpec` returns with a checkpoint.
	pub chain_spec: Box<dyn ChainSpec>,
	/// BABE.
	pub babe: BabeDeps<SC>,
	/// GRANDPA.
	pub grandpa: GrandpaDeps<B>,
}

/// Builds the RPC methods of a full node.
pub fn create_full<C, P, SC, B>(
	deps: FullDeps<C, P, SC, B>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ AuxStore
		+ Send
		+ Sync
		+ 'static,
	C::Api: AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: polkadot_sdk::pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BabeApi<Block>,
	C::Api: BlockBuilder<Block>,
	P: TransactionPool + 'static,
	SC: SelectChain<Block> + 'static,
	B: polkadot_sdk::sc_client_api::Backend<Block> + Send + Sync + 'static,
	B::State: polkadot_sdk::sc_client_api::StateBackend<polkadot_sdk::sp_runtime::traits::HashingFor<Block>>,
{
	let FullDeps { client, pool, chain_spec, babe, grandpa } = deps;
	let mut module = RpcModule::new(());

	module.merge(
		SyncState::new(
			chain_spec,
			client.clone(),
			grandpa.shared_authority_set.clone(),
			babe.babe_worker_handle.clone(),
		)?
		.into_rpc(),
	)?;
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(Babe::new(client, babe.babe_worker_handle, babe.keystore, babe.select_chain).into_rpc())?;
	module.merge(
		Grandpa::new(
			grandpa.subscription_executor,
			grandpa.shared_authority_set,
			grandpa.shared_voter_state,
			grandpa.justification_stream,
			grandpa.finality_provider,
		)
		.into_rpc(),
	)?;

	Ok(module)
}
