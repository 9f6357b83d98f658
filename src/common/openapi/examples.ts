/**
 * Example values of the OpenAPI document, shared by the DTOs' `@ApiProperty({ example })` so the
 * parts of one answer agree (an investment's assetId is the example asset's id, its times follow the
 * asset's). The document test checks every example against its schema.
 */
export const EX = {
  userId: '5b1f0c3e-7a2d-4e8b-9c61-2f4a8d3b7e10',
  assetId: '3f1c2a4e-8b7d-4c6e-9a1f-2b3c4d5e6f70',
  investmentId: '9a7e3c21-4b5d-4f68-8e1a-6c2d0b9f4a35',
  transactionId: 'e2d4f6a8-1b3c-4d5e-8f70-91a2b3c4d5e6',
  kycApplicationId: 'c4e8a1b2-3d5f-4a6b-9c7d-8e0f1a2b3c4d',
  kycDocumentId: '7d2e9f14-5a6b-4c3d-8e2f-1a0b9c8d7e6f',
  adminId: '1e6b2d4f-9c8a-4b7e-a5d3-0f2e4c6a8b91',
  adminLogId: 'b8c9d0e1-f2a3-4b5c-8d6e-7f8091a2b3c4',
  chainEventId: '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d',
  chainInteractionId: '6f7e8d9c-0b1a-4c2d-8e3f-4a5b6c7d8e9f',

  wallet: '0x71C7656EC7ab88b098defB751B7401B5f6d8976F',
  phone: '+14155550123',
  email: 'ada.lovelace@example.com',
  adminEmail: 'reviewer@pend.example',
  contractAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  txHash: '0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060',
  blockHash: '0x88e96d4537bea4d9c05d12549907b32561d3bf31f45aae734cdc119f13406cb6',
  chainId: 8453,
  blockNumber: '19000000',
  signature: `0x${'1b'.repeat(65)}`,
  sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  accessToken:
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI1YjFmMGMzZS03YTJkLTRlOGItOWM2MS0yZjRhOGQzYjdlMTAiLCJleHAiOjE3NzI0NDU2MDB9.kH0a4Vd7u3cP1oZr2f9sQy5wXn8mJ6tL4bE0gA1iCdU',
  accessTokenTtl: 3600,

  /** A timeline: the asset opens, the investor registers, invests, the admin confirms. */
  assetCreatedAt: '2026-02-20T10:00:00.000Z',
  opensAt: '2026-03-01T00:00:00.000Z',
  closesAt: '2026-06-30T23:59:59.000Z',
  userCreatedAt: '2026-03-02T08:55:12.000Z',
  kycSubmittedAt: '2026-03-02T09:01:40.000Z',
  kycReviewedAt: '2026-03-02T11:20:05.000Z',
  investedAt: '2026-03-04T14:03:27.000Z',
  confirmedAt: '2026-03-04T15:10:44.000Z',
  lastLoginAt: '2026-03-05T07:45:31.000Z',
  now: '2026-03-05T08:00:00.000Z',
  nowPlus5m: '2026-03-05T08:05:00.000Z',

  amount: '250.500000',
  nonce: '8f3c2a1b9d4e7f6a0c5b3e2d1f4a9b8c',
  /** The EIP-4361 message POST /api/auth/nonce issues for the example wallet. */
  siweMessage:
    'app.pend.example wants you to sign in with your Ethereum account:\n0x71C7656EC7ab88b098defB751B7401B5f6d8976F\n\nSign in to Pend.\n\nURI: https://app.pend.example\nVersion: 1\nChain ID: 137\nNonce: 8f3c2a1b9d4e7f6a0c5b3e2d1f4a9b8c\nIssued At: 2026-03-05T08:00:00.000Z\nExpiration Time: 2026-03-05T08:05:00.000Z',
  /** A keyset cursor as the API issues it (the last row's time and id). */
  cursor: 'MjAyNi0wMy0wNFQxNDowMzoyNy4wMDAwMDBafDlhN2UzYzIxLTRiNWQtNGY2OC04ZTFhLTZjMmQwYjlmNGEzNQ',
} as const;
