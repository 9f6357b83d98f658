import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { BlockchainEventDto, ContractInteractionDto } from './blockchain.types';
import { IngestEventDto, IngestInteractionDto } from './dto/blockchain-write.dto';

const EVENT_COLUMNS = `e.id, e.chain_id AS "chainId", e.contract_address AS "contractAddress", e.contract_name AS "contractName",
  e.block_number AS "blockNumber", e.block_hash AS "blockHash", e.transaction_hash AS "transactionHash",
  e.log_index AS "logIndex", e.event_type AS "eventType", e.args, e.value, e.timestamp, e.created_at AS "createdAt"`;

const INTERACTION_COLUMNS = `c.id, c.chain_id AS "chainId", c.contract_address AS "contractAddress",
  c.transaction_hash AS "transactionHash", c.block_number AS "blockNumber", c.from_address AS "fromAddress",
  c.method, c.args, c.value, c.gas_used AS "gasUsed", c.status, c.timestamp, c.created_at AS "createdAt"`;

export interface EventFilter {
  contract: string;
  event?: string;
  fromBlock?: string;
  toBlock?: string;
  after?: { blockNumber: string; logIndex: number; id: string };
  limit: number;
}

export interface InteractionFilter {
  contract?: string;
  method?: string;
  from?: string;
  after?: { blockNumber: string; id: string };
  limit: number;
}

@Injectable()
export class BlockchainRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One statement for the whole batch; rows already stored (or repeated in the batch) are skipped. Returns how many were new. */
  async insertEventsSkippingDuplicates(manager: EntityManager, events: IngestEventDto[]): Promise<number> {
    const rows = events.map((e) => ({
      chain_id: e.chainId,
      contract_address: e.contractAddress,
      contract_name: e.contractName ?? null,
      block_number: String(e.blockNumber),
      block_hash: e.blockHash ?? null,
      transaction_hash: e.transactionHash,
      log_index: e.logIndex,
      event_type: e.eventType,
      args: e.args ?? {},
      value: e.value ?? null,
      timestamp: e.timestamp ?? null,
    }));
    const inserted: unknown[] = await manager.query(
      `INSERT INTO blockchain_events (chain_id, contract_address, contract_name, block_number, block_hash, transaction_hash,
                                      log_index, event_type, args, value, "timestamp")
       SELECT r.chain_id, r.contract_address, r.contract_name, r.block_number, r.block_hash, r.transaction_hash,
              r.log_index, r.event_type, COALESCE(r.args, '{}'::jsonb), r.value, r."timestamp"
       FROM jsonb_to_recordset($1::jsonb) AS r(chain_id integer, contract_address varchar, contract_name varchar, block_number bigint,
            block_hash varchar, transaction_hash varchar, log_index integer, event_type varchar, args jsonb, value numeric,
            "timestamp" timestamptz)
       ON CONFLICT DO NOTHING
       RETURNING 1`,
      [JSON.stringify(rows)],
    );
    return inserted.length;
  }

  async insertInteractionsSkippingDuplicates(manager: EntityManager, interactions: IngestInteractionDto[]): Promise<number> {
    const rows = interactions.map((c) => ({
      chain_id: c.chainId,
      contract_address: c.contractAddress,
      transaction_hash: c.transactionHash,
      block_number: String(c.blockNumber),
      from_address: c.fromAddress ?? null,
      method: c.method,
      args: c.args ?? [],
      value: c.value ?? '0',
      gas_used: c.gasUsed ?? null,
      status: c.status,
      timestamp: c.timestamp ?? null,
    }));
    const inserted: unknown[] = await manager.query(
      `INSERT INTO contract_interactions (chain_id, contract_address, transaction_hash, block_number, from_address, method,
                                          args, value, gas_used, status, "timestamp")
       SELECT r.chain_id, r.contract_address, r.transaction_hash, r.block_number, r.from_address, r.method,
              COALESCE(r.args, '[]'::jsonb), r.value, r.gas_used, r.status::contract_call_status, r."timestamp"
       FROM jsonb_to_recordset($1::jsonb) AS r(chain_id integer, contract_address varchar, transaction_hash varchar,
            block_number bigint, from_address varchar, method varchar, args jsonb, value numeric, gas_used numeric,
            status text, "timestamp" timestamptz)
       ON CONFLICT DO NOTHING
       RETURNING 1`,
      [JSON.stringify(rows)],
    );
    return inserted.length;
  }

  /** A contract's events in chain order, keyset-paginated; the equality on contract_address uses idx_blockchain_events_contract. */
  async findContractEvents(filter: EventFilter): Promise<BlockchainEventDto[]> {
    const values: unknown[] = [filter.contract];
    const param = (value: unknown) => `$${values.push(value)}`;
    const where = ['e.contract_address = $1'];
    if (filter.event) where.push(`e.event_type = ${param(filter.event)}`);
    if (filter.fromBlock) where.push(`e.block_number >= ${param(filter.fromBlock)}::bigint`);
    if (filter.toBlock) where.push(`e.block_number <= ${param(filter.toBlock)}::bigint`);
    if (filter.after) {
      where.push(
        `(e.block_number, e.log_index, e.id) > (${param(filter.after.blockNumber)}::bigint, ${param(filter.after.logIndex)}::int, ${param(filter.after.id)}::uuid)`,
      );
    }
    return this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM blockchain_events e WHERE ${where.join(' AND ')}
       ORDER BY e.block_number, e.log_index, e.id LIMIT ${param(filter.limit)}`,
      values,
    );
  }

  /** Calls to a contract (idx_contract_interactions_contract) or from an address (idx_contract_interactions_from). */
  async findContractInteractions(filter: InteractionFilter): Promise<ContractInteractionDto[]> {
    const values: unknown[] = [];
    const param = (value: unknown) => `$${values.push(value)}`;
    const where: string[] = [];
    if (filter.contract) where.push(`c.contract_address = ${param(filter.contract)}`);
    if (filter.method) where.push(`c.method = ${param(filter.method)}`);
    if (filter.from) where.push(`c.from_address = ${param(filter.from)}`);
    if (filter.after) where.push(`(c.block_number, c.id) > (${param(filter.after.blockNumber)}::bigint, ${param(filter.after.id)}::uuid)`);
    return this.dataSource.query(
      `SELECT ${INTERACTION_COLUMNS} FROM contract_interactions c WHERE ${where.join(' AND ')}
       ORDER BY c.block_number, c.id LIMIT ${param(filter.limit)}`,
      values,
    );
  }
}
