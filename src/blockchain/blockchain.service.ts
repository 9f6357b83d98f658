import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdminAuditService } from '../admin-audit/admin-audit.service';
import { InvalidQueryError } from './blockchain.errors';
import { BlockchainRepository } from './blockchain.repository';
import { BlockchainEventPageDto, ContractInteractionPageDto, IngestResultDto } from './blockchain.types';
import { ListEventsQueryDto, ListInteractionsQueryDto } from './dto/blockchain-query.dto';
import { IngestEventsDto, IngestInteractionsDto } from './dto/blockchain-write.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BLOCK = /^(0|[1-9][0-9]{0,17})$/;

/** Opaque page cursor: the sort key of the last row, base64url JSON. */
function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string, shape: ('block' | 'int' | 'uuid')[]): unknown[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidQueryError('cursor', 'is malformed');
  }
  const valid =
    Array.isArray(key) &&
    key.length === shape.length &&
    shape.every((kind, i) =>
      kind === 'block'
        ? typeof key[i] === 'string' && BLOCK.test(key[i])
        : kind === 'int'
          ? Number.isSafeInteger(key[i]) && key[i] >= 0
          : typeof key[i] === 'string' && UUID.test(key[i]),
    );
  if (!valid) throw new InvalidQueryError('cursor', 'is malformed');
  return key as unknown[];
}

@Injectable()
export class BlockchainService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly chain: BlockchainRepository,
    private readonly audit: AdminAuditService,
  ) {}

  async ingestEvents(adminId: string, dto: IngestEventsDto, ip: string | null): Promise<IngestResultDto> {
    return this.dataSource.transaction(async (manager) => {
      const inserted = await this.chain.insertEventsSkippingDuplicates(manager, dto.events);
      const result = { inserted, duplicates: dto.events.length - inserted };
      await this.audit.record(manager, {
        adminId,
        action: 'blockchain.events.ingest',
        targetType: 'blockchain_events',
        details: result,
        ip,
      });
      return result;
    });
  }

  async ingestInteractions(adminId: string, dto: IngestInteractionsDto, ip: string | null): Promise<IngestResultDto> {
    return this.dataSource.transaction(async (manager) => {
      const inserted = await this.chain.insertInteractionsSkippingDuplicates(manager, dto.interactions);
      const result = { inserted, duplicates: dto.interactions.length - inserted };
      await this.audit.record(manager, {
        adminId,
        action: 'blockchain.interactions.ingest',
        targetType: 'contract_interactions',
        details: result,
        ip,
      });
      return result;
    });
  }

  async listEvents(query: ListEventsQueryDto): Promise<BlockchainEventPageDto> {
    if (query.fromBlock && query.toBlock && BigInt(query.fromBlock) > BigInt(query.toBlock)) {
      throw new InvalidQueryError('toBlock', 'must not be below fromBlock');
    }
    const limit = query.limit ?? 100;
    const after = query.cursor ? decodeCursor(query.cursor, ['block', 'int', 'uuid']) : undefined;
    const rows = await this.chain.findContractEvents({
      contract: query.contract,
      event: query.event,
      fromBlock: query.fromBlock,
      toBlock: query.toBlock,
      after: after && { blockNumber: after[0] as string, logIndex: after[1] as number, id: after[2] as string },
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit ? encodeCursor([last.blockNumber, last.logIndex, last.id]) : null };
  }

  async listInteractions(query: ListInteractionsQueryDto): Promise<ContractInteractionPageDto> {
    if (!query.contract && !query.from) throw new InvalidQueryError('contract', 'or from is required');
    const limit = query.limit ?? 100;
    const after = query.cursor ? decodeCursor(query.cursor, ['block', 'uuid']) : undefined;
    const rows = await this.chain.findContractInteractions({
      contract: query.contract,
      method: query.method,
      from: query.from,
      after: after && { blockNumber: after[0] as string, id: after[1] as string },
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit ? encodeCursor([last.blockNumber, last.id]) : null };
  }
}
