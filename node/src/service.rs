//! The node's services: client, database (ParityDB), import queue, networking, BABE authoring,
//! GRANDPA voting, RPC, offchain workers and Prometheus metrics.

use crate::rpc;
use futures::FutureExt;
use pgt_runtime::{opaque::Block, RuntimeApi};
use polkadot_sdk::{
	sc_client_api::{Backend, BlockBackend},
	sc_consensus, sc_consensus_babe,
	sc_consensus_babe::SlotProportion,
	sc_consensus_grandpa as grandpa, sc_consensus_slots, sc_executor, sc_network, sc_offchain,
	sc_service::{self, error::Error as ServiceError, Configuration, TaskManager, WarpSyncConfig},
	sc_telemetry::{Telemetry, TelemetryWorker},
	sc_transaction_pool,
	sc_transaction_pool_api::OffchainTransactionPoolFactory,
	sp_consensus_babe::{self, SlotDuration},
	sp_inherents::CreateInherentDataProviders,
	sp_io,
	sp_runtime::traits::Block as BlockT,
	sp_timestamp,
};
use std::{path::Path, sync::Arc, time::Duration};

/// Host functions the runtime may call: Substrate's, plus the BLS12-381 pairing and
/// multi-scalar multiplication of `sp-crypto-ec-utils`, which the shielded pool verifies
/// Groth16 proofs with (about 6x faster than the same arithmetic inside WASM).
pub type HostFunctions = (sp_io::SubstrateHostFunctions, sp_crypto_ec_utils::bls12_381::host_calls::HostFunctions);

/// The WASM executor of the runtime.
pub type RuntimeExecutor = sc_executor::WasmExecutor<HostFunctions>;

/// The runtime executor `sc_service::new_wasm_executor` would build, with wasmtime's on-disk
/// cache in `wasm_cache`: compiling the runtime takes seconds of both cores (about 6.5 CPU-seconds
/// on the 2-core dev machine), loading it from the cache a fraction of that.
fn wasm_executor(config: &sc_service::config::ExecutorConfiguration, wasm_cache: &Path) -> RuntimeExecutor {
	let heap = config.default_heap_pages.map_or(sc_executor::DEFAULT_HEAP_ALLOC_STRATEGY, |pages| {
		sc_executor::HeapAllocStrategy::Static { extra_pages: pages as _ }
	});
	RuntimeExecutor::builder()
		.with_execution_method(config.wasm_method)
		.with_onchain_heap_alloc_strategy(heap)
		.with_offchain_heap_alloc_strategy(heap)
		.with_max_runtime_instances(config.max_runtime_instances)
		.with_runtime_cache_size(config.runtime_cache_size)
		.with_cache_path(wasm_cache)
		.build()
}

/// The full client.
pub type FullClient = sc_service::TFullClient<Block, RuntimeApi, RuntimeExecutor>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;
type FullGrandpaBlockImport = grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>;
type FullBabeBlockImport = sc_consensus_babe::BabeBlockImport<
	Block,
	FullClient,
	FullGrandpaBlockImport,
	InherentDataProviders,
	FullSelectChain,
>;

/// The transaction pool.
pub type TransactionPool = sc_transaction_pool::TransactionPoolHandle<Block, FullClient>;

/// GRANDPA justifications are kept for every block whose number is a multiple of this, so
/// light clients and warp sync can prove finality.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// Makes the inherent data of a block: the timestamp and the BABE slot it belongs to.
#[derive(Clone)]
pub struct InherentDataProviders {
	slot_duration: SlotDuration,
}

#[async_trait::async_trait]
impl CreateInherentDataProviders<Block, ()> for InherentDataProviders {
	type InherentDataProviders =
		(sp_consensus_babe::inherents::InherentDataProvider, sp_timestamp::InherentDataProvider);

	async fn create_inherent_data_providers(
		&self,
		_parent: <Block as BlockT>::Hash,
		_extra: (),
	) -> Result<Self::InherentDataProviders, Box<dyn std::error::Error + Send + Sync>> {
		let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
		let slot = sp_consensus_babe::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
			*timestamp,
			self.slot_duration,
		);
		Ok((slot, timestamp))
	}
}

/// What `new_partial` builds beyond the standard parts.
pub struct Extra {
	block_import: FullBabeBlockImport,
	grandpa_link: grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
	babe_link: sc_consensus_babe::BabeLink<Block>,
	babe_worker_handle: sc_consensus_babe::BabeWorkerHandle<Block>,
	telemetry: Option<Telemetry>,
}

/// The parts of a node that every command needs: client, backend, import queue, pool.
pub type Partial = sc_service::PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	sc_consensus::DefaultImportQueue<Block>,
	TransactionPool,
	Extra,
>;

/// Builds the client, database and import queue; the runtime's machine code is cached in `wasm_cache`.
pub fn new_partial(config: &Configuration, wasm_cache: &Path) -> Result<Partial, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|x| !x.is_empty())
		.map(|endpoints| -> Result<_, polkadot_sdk::sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = wasm_executor(&config.executor, wasm_cache);
	let (client, backend, keystore_container, task_manager) = sc_service::new_full_parts::<Block, RuntimeApi, _>(
		config,
		telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
		executor,
		Vec::new(),
	)?;
	let client = Arc::new(client);

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::from(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let (grandpa_block_import, grandpa_link) = grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		&(client.clone() as Arc<_>),
		select_chain.clone(),
		telemetry.as_ref().map(|x| x.handle()),
	)?;
	let justification_import = grandpa_block_import.clone();

	let babe_config = sc_consensus_babe::configuration(&*client)?;
	let slot_duration = babe_config.slot_duration();
	let (block_import, babe_link) = sc_consensus_babe::block_import(
		babe_config,
		grandpa_block_import,
		client.clone(),
		InherentDataProviders { slot_duration },
		select_chain.clone(),
		OffchainTransactionPoolFactory::new(transaction_pool.clone()),
	)?;

	let (import_queue, babe_worker_handle) = sc_consensus_babe::import_queue(sc_consensus_babe::ImportQueueParams {
		link: babe_link.clone(),
		block_import: block_import.clone(),
		justification_import: Some(Box::new(justification_import)),
		client: client.clone(),
		slot_duration,
		spawner: &task_manager.spawn_essential_handle(),
		registry: config.prometheus_registry(),
		telemetry: telemetry.as_ref().map(|x| x.handle()),
	})?;

	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: Extra { block_import, grandpa_link, babe_link, babe_worker_handle, telemetry },
	})
}

/// Builds and starts a full node (an authority when the keystore holds its keys).
pub fn new_full<N: sc_network::NetworkBackend<Block, <Block as BlockT>::Hash>>(
	config: Configuration,
	wasm_cache: &Path,
) -> Result<TaskManager, ServiceError> {
	let sc_service::PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: Extra { block_import, grandpa_link, babe_link, babe_worker_handle, mut telemetry },
	} = new_partial(&config, wasm_cache)?;

	let metrics = N::register_notification_metrics(config.prometheus_registry());
	let mut net_config = sc_network::config::FullNetworkConfiguration::<_, _, N>::new(
		&config.network,
		config.prometheus_registry().cloned(),
	);
	let peer_store_handle = net_config.peer_store_handle();

	let genesis_hash = client
		.block_hash(0)
		.ok()
		.flatten()
		.ok_or_else(|| ServiceError::Other("the database has no genesis block".into()))?;
	let grandpa_protocol_name = grandpa::protocol_standard_name(&genesis_hash, &config.chain_spec);
	let (grandpa_protocol_config, grandpa_notification_service) =
		grandpa::grandpa_peers_set_config::<_, N>(grandpa_protocol_name.clone(), metrics.clone(), peer_store_handle);
	net_config.add_notification_protocol(grandpa_protocol_config);

	let warp_sync = Arc::new(grandpa::warp_proof::NetworkProvider::new(
		backend.clone(),
		grandpa_link.shared_authority_set().clone(),
		Vec::default(),
	));

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: Some(WarpSyncConfig::WithProvider(warp_sync)),
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	if config.offchain_worker.enabled {
		let offchain_workers = sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
			runtime_api_provider: client.clone(),
			is_validator: config.role.is_authority(),
			keystore: Some(keystore_container.keystore()),
			offchain_db: backend.offchain_storage(),
			transaction_pool: Some(OffchainTransactionPoolFactory::new(transaction_pool.clone())),
			network_provider: Arc::new(network.clone()),
			enable_http_requests: true,
			custom_extensions: |_| vec![],
		})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	let role = config.role;
	let force_authoring = config.force_authoring;
	let name = config.network.node_name.clone();
	let enable_grandpa = !config.disable_grandpa;
	let prometheus_registry = config.prometheus_registry().cloned();

	let shared_voter_state = grandpa::SharedVoterState::empty();
	let rpc_builder = {
		let client = client.clone();
		let pool = transaction_pool.clone();
		let select_chain = select_chain.clone();
		let keystore = keystore_container.keystore();
		let justification_stream = grandpa_link.justification_stream();
		let shared_authority_set = grandpa_link.shared_authority_set().clone();
		let shared_voter_state = shared_voter_state.clone();
		let finality_provider =
			grandpa::FinalityProofProvider::new_for_service(backend.clone(), Some(shared_authority_set.clone()));
		let chain_spec = config.chain_spec.cloned_box();

		Box::new(move |subscription_executor| {
			let deps = rpc::FullDeps {
				client: client.clone(),
				pool: pool.clone(),
				chain_spec: chain_spec.cloned_box(),
				babe: rpc::BabeDeps {
					keystore: keystore.clone(),
					babe_worker_handle: babe_worker_handle.clone(),
					select_chain: select_chain.clone(),
				},
				grandpa: rpc::GrandpaDeps {
					shared_voter_state: shared_voter_state.clone(),
					shared_authority_set: shared_authority_set.clone(),
					justification_stream: justification_stream.clone(),
					subscription_executor,
					finality_provider: finality_provider.clone(),
				},
			};
			rpc::create_full(deps).map_err(Into::into)
		})
	};

	sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network: network.clone(),
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder,
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	if role.is_authority() {
		let proposer = polkadot_sdk::sc_basic_authorship::ProposerFactory::new(
			task_manager.spawn_handle(),
			client.clone(),
			transaction_pool.clone(),
			prometheus_registry.as_ref(),
			telemetry.as_ref().map(|x| x.handle()),
		);
		let slot_duration = babe_link.config().slot_duration();
		let babe = sc_consensus_babe::start_babe(sc_consensus_babe::BabeParams {
			keystore: keystore_container.keystore(),
			client: client.clone(),
			select_chain,
			env: proposer,
			block_import,
			sync_oracle: sync_service.clone(),
			justification_sync_link: sync_service.clone(),
			create_inherent_data_providers: InherentDataProviders { slot_duration },
			force_authoring,
			backoff_authoring_blocks: Some(sc_consensus_slots::BackoffAuthoringOnFinalizedHeadLagging::default()),
			babe_link,
			block_proposal_slot_portion: SlotProportion::new(0.5),
			max_block_proposal_slot_portion: None,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
		})?;
		task_manager.spawn_essential_handle().spawn_blocking("babe-proposer", Some("block-authoring"), babe);
	}

	if enable_grandpa {
		// Only authorities vote; other nodes follow finality through justifications.
		let keystore = if role.is_authority() { Some(keystore_container.keystore()) } else { None };
		let grandpa_config = grandpa::Config {
			gossip_duration: Duration::from_millis(333),
			justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
			name: Some(name),
			observer_enabled: false,
			keystore,
			local_role: role,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			protocol_name: grandpa_protocol_name,
		};
		let grandpa_params = grandpa::GrandpaParams {
			config: grandpa_config,
			link: grandpa_link,
			network,
			sync: Arc::new(sync_service),
			notification_service: grandpa_notification_service,
			voting_rule: grandpa::VotingRulesBuilder::default().build(),
			prometheus_registry,
			shared_voter_state,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
		};
		// The voter is essential: if it fails, the node stops rather than silently not voting.
		task_manager.spawn_essential_handle().spawn_blocking(
			"grandpa-voter",
			None,
			grandpa::run_grandpa_voter(grandpa_params)?,
		);
	}

	Ok(task_manager)
}

/// Builds a full node with the network backend chosen on the command line (litep2p by default).
pub fn new_full_any(config: Configuration, wasm_cache: &Path) -> Result<TaskManager, ServiceError> {
	match config.network.network_backend {
		sc_network::config::NetworkBackendType::Libp2p => {
			new_full::<sc_network::NetworkWorker<Block, <Block as BlockT>::Hash>>(config, wasm_cache)
		},
		sc_network::config::NetworkBackendType::Litep2p => {
			new_full::<sc_network::Litep2pNetworkBackend>(config, wasm_cache)
		},
	}
}
