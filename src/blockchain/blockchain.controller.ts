import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions } from '../auth/decorators';
import type { AuthPrincipal } from '../auth/principal';
import { BlockchainService } from './blockchain.service';
import { BlockchainEventPageDto, ContractInteractionPageDto, IngestResultDto } from './blockchain.types';
import { ListEventsQueryDto, ListInteractionsQueryDto } from './dto/blockchain-query.dto';
import { IngestEventsDto, IngestInteractionsDto } from './dto/blockchain-write.dto';
import { ApiErrors, ApiRequestExample } from '../common/openapi/api-errors.decorator';
import { ClientIp } from '../common/http/client-ip.decorator';

@ApiTags('blockchain')
@ApiBearerAuth()
@Controller('blockchain')
export class BlockchainController {
  constructor(private readonly blockchain: BlockchainService) {}

  @Get('events')
  @RequirePermissions('blockchain:read')
  @ApiErrors('invalid_query')
  @ApiOperation({ summary: 'A contract’s events in chain order (event type and block range optional), keyset-paginated' })
  @ApiOkResponse({ type: BlockchainEventPageDto })
  events(@Query() query: ListEventsQueryDto): Promise<BlockchainEventPageDto> {
    return this.blockchain.listEvents(query);
  }

  @Get('interactions')
  @RequirePermissions('blockchain:read')
  @ApiErrors('invalid_query')
  @ApiOperation({ summary: 'Calls to a contract (optionally one method) or from an address, keyset-paginated' })
  @ApiOkResponse({ type: ContractInteractionPageDto })
  interactions(@Query() query: ListInteractionsQueryDto): Promise<ContractInteractionPageDto> {
    return this.blockchain.listInteractions(query);
  }
}

@ApiTags('blockchain')
@ApiBearerAuth()
@Controller('admin/blockchain')
export class AdminBlockchainController {
  constructor(private readonly blockchain: BlockchainService) {}

  @Post('events')
  @ApiRequestExample({
    events: [
      {
        chainId: 1,
        contractAddress: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F',
        blockNumber: '19000000',
        transactionHash: `0x${'ab'.repeat(32)}`,
        logIndex: 0,
        eventType: 'Transfer',
        args: { from: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F', to: '0x000000000000000000000000000000000000dEaD', value: '1000000' },
        value: '1000000',
        timestamp: '2026-11-30T09:00:00Z',
      },
    ],
  })
  @HttpCode(200)
  @RequirePermissions('blockchain:ingest')
  @ApiOperation({ summary: 'Ingest up to 1000 events; idempotent on (chain id, tx hash, log index)' })
  @ApiOkResponse({ type: IngestResultDto })
  ingestEvents(
    @CurrentPrincipal() admin: AuthPrincipal,
    @Body() dto: IngestEventsDto,
    @ClientIp() ip: string | null,
  ): Promise<IngestResultDto> {
    return this.blockchain.ingestEvents(admin.id, dto, ip);
  }

  @Post('interactions')
  @ApiRequestExample({
    interactions: [
      {
        chainId: 1,
        contractAddress: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F',
        transactionHash: `0x${'ab'.repeat(32)}`,
        blockNumber: '19000000',
        fromAddress: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F',
        method: 'invest(uint256)',
        args: ['1000000'],
        value: '0',
        status: 'success',
        timestamp: '2026-11-30T09:00:00Z',
      },
    ],
  })
  @HttpCode(200)
  @RequirePermissions('blockchain:ingest')
  @ApiOperation({ summary: 'Ingest up to 1000 contract calls; idempotent on (chain id, tx hash, method)' })
  @ApiOkResponse({ type: IngestResultDto })
  ingestInteractions(
    @CurrentPrincipal() admin: AuthPrincipal,
    @Body() dto: IngestInteractionsDto,
    @ClientIp() ip: string | null,
  ): Promise<IngestResultDto> {
    return this.blockchain.ingestInteractions(admin.id, dto, ip);
  }
}
