// Pallet view functions through the standard `RuntimeViewFunction` runtime API, found and
// decoded from the chain's metadata (v16), with no custom types.
import { u8aToHex } from '@polkadot/util';

/**
 * Calls view function `pallet.name(...args)` at the best block and returns the decoded result.
 * `args` are plain JS values encoded with the argument types the metadata names.
 */
export async function callView(api, pallet, name, args = []) {
  const metadata = api.registry.createType('Metadata', await api.call.metadata.metadataAtVersion(16).then((m) => m.unwrap()));
  const v16 = metadata.asLatest;
  const p = v16.pallets.find((x) => x.name.toString() === pallet);
  if (!p) throw new Error(`no pallet ${pallet} in metadata`);
  const view = p.viewFunctions.find((v) => v.name.toString() === name);
  if (!view) throw new Error(`no view function ${pallet}.${name}`);
  const registry = metadata.registry;
  const input = view.inputs.map((arg, i) => registry.createType(registry.createLookupType(arg.type), args[i]).toU8a());
  const bytes = new Uint8Array(input.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of input) { bytes.set(a, at); at += a.length; }
  // Hex, so the API takes it as the raw argument bytes (a Uint8Array would be read as SCALE).
  const result = await api.call.runtimeViewFunction.executeViewFunction(view.id, u8aToHex(bytes));
  if (result.isErr) throw new Error(`view function failed: ${result.asErr.toString()}`);
  return { value: registry.createType(registry.createLookupType(view.output), result.asOk), docs: view.docs.map((d) => d.toString()) };
}
