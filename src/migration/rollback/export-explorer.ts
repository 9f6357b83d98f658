import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { TextSink } from '../generator/json-sink';
import { ExportContext, FileSummary, sideFileRest } from './context';
import { cursorBatches, epochSeconds, literal, raw, str } from './sql';

interface Group {
  chain_id: number;
  contract_address: string;
  contract_name: string | null;
  events: string;
  calls: string;
}

/**
 * explorer-data: one scan file per (chain, contract, contract name), events by block and log
 * index, the contract's calls with the first file of that contract. Seconds timestamps. Records
 * quarantined from scans go to side files: the database does not keep which scan held them.
 */
export async function exportExplorer(context: ExportContext): Promise<FileSummary> {
  const { runner } = context;
  const summary: FileSummary = { file: 'explorer-data/', records: { files: 0, events: 0, calls: 0 }, reEmitted: 0, sideFiled: 0 };
  const groups: Group[] = await runner.query(
    `WITH event_groups AS (
       SELECT chain_id, contract_address, contract_name, count(*) AS events FROM blockchain_events
       GROUP BY chain_id, contract_address, contract_name),
     call_groups AS (
       SELECT chain_id, contract_address, count(*) AS calls FROM contract_interactions GROUP BY chain_id, contract_address)
     SELECT COALESCE(e.chain_id, c.chain_id) AS chain_id, COALESCE(e.contract_address, c.contract_address) AS contract_address,
       e.contract_name, COALESCE(e.events, 0)::text AS events,
       (CASE WHEN row_number() OVER (PARTITION BY COALESCE(e.chain_id, c.chain_id), COALESCE(e.contract_address, c.contract_address)
          ORDER BY e.contract_name NULLS FIRST) = 1 THEN COALESCE(c.calls, 0) ELSE 0 END)::text AS calls
     FROM event_groups e FULL JOIN call_groups c ON c.chain_id = e.chain_id AND c.contract_address = e.contract_address
     ORDER BY 1, 2, 3 NULLS FIRST`,
  );
  if (groups.length > 0) await mkdir(path.join(context.out, 'explorer-data'), { recursive: true });
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g];
    const where = `chain_id = ${Number(group.chain_id)} AND contract_address = ${literal(group.contract_address)}`;
    const nameCondition = group.contract_name === null ? 'contract_name IS NULL' : `contract_name = ${literal(group.contract_name)}`;
    const [range]: Array<{ from_block: string | null; to_block: string | null }> = await runner.query(
      `SELECT min(block_number)::text AS from_block, max(block_number)::text AS to_block FROM (
         SELECT block_number FROM blockchain_events WHERE ${where} AND ${nameCondition}
         UNION ALL SELECT block_number FROM contract_interactions WHERE ${where} AND ${Number(group.calls) > 0}) b`,
    );
    const file = `explorer-data/scan-${group.chain_id}-${group.contract_address.toLowerCase()}-${g}.json`;
    const sink = new TextSink(path.join(context.out, file));
    await sink.write(
      `{"chainId":${group.chain_id},"contractAddress":${str(group.contract_address)},"contractName":${str(group.contract_name)},"fromBlock":${raw(range.from_block)},"toBlock":${raw(range.to_block)},"events":[`,
    );
    let first = true;
    const eventsSql = `SELECT block_number::text AS block_number, block_hash, transaction_hash, log_index, event_type, args::text AS args,
        ${epochSeconds('"timestamp"')} AS ts
      FROM blockchain_events WHERE ${where} AND ${nameCondition} ORDER BY block_number, log_index, transaction_hash`;
    for await (const events of cursorBatches<Record<string, string | null>>(runner, eventsSql, context.batchSize)) {
      let text = '';
      for (const e of events) {
        text += `${first ? '' : ','}\n{"blockNumber":${e.block_number},"blockHash":${str(e.block_hash)},"transactionHash":${str(e.transaction_hash)},"logIndex":${e.log_index},"event":${str(e.event_type)},"args":${raw(e.args)},"timestamp":${raw(e.ts)}}`;
        first = false;
      }
      summary.records.events += events.length;
      await sink.write(text);
    }
    await sink.write('],"calls":[');
    first = true;
    if (Number(group.calls) > 0) {
      const callsSql = `SELECT transaction_hash, block_number::text AS block_number, from_address, method, args::text AS args,
          value::text AS value, gas_used::text AS gas_used, status::text AS status, ${epochSeconds('"timestamp"')} AS ts
        FROM contract_interactions WHERE ${where} ORDER BY block_number, transaction_hash, method`;
      for await (const calls of cursorBatches<Record<string, string | null>>(runner, callsSql, context.batchSize)) {
        let text = '';
        for (const c of calls) {
          text += `${first ? '' : ','}\n{"transactionHash":${str(c.transaction_hash)},"blockNumber":${c.block_number},"from":${str(c.from_address)},"method":${str(c.method)},"args":${raw(c.args)},"value":${str(c.value)},"gasUsed":${str(c.gas_used)},"status":"${c.status}","timestamp":${raw(c.ts)}}`;
          first = false;
        }
        summary.records.calls += calls.length;
        await sink.write(text);
      }
    }
    await sink.write(']}\n');
    await sink.close();
    summary.records.files++;
  }
  await sideFileRest(context.quarantine, '^explorer-data/', null, summary);
  return summary;
}
