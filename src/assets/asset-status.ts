import { AssetStatus } from './entities/asset.entity';

/** The moves an admin may make; anything else is 409. */
const ALLOWED: Record<AssetStatus, AssetStatus[]> = {
  [AssetStatus.Draft]: [AssetStatus.Open, AssetStatus.Cancelled],
  [AssetStatus.Open]: [AssetStatus.Funded, AssetStatus.Closed, AssetStatus.Cancelled],
  [AssetStatus.Funded]: [AssetStatus.Closed],
  [AssetStatus.Closed]: [],
  [AssetStatus.Cancelled]: [],
};

export function canMoveAsset(from: AssetStatus, to: AssetStatus): boolean {
  return from === to || ALLOWED[from].includes(to);
}

/** Statuses a new asset may start in. */
export const INITIAL_ASSET_STATUSES = [AssetStatus.Draft, AssetStatus.Open];
