import { canMoveAsset } from './asset-status';
import { AssetStatus } from './entities/asset.entity';

describe('asset status machine', () => {
  it.each([
    [AssetStatus.Draft, AssetStatus.Open, true],
    [AssetStatus.Draft, AssetStatus.Cancelled, true],
    [AssetStatus.Draft, AssetStatus.Funded, false],
    [AssetStatus.Open, AssetStatus.Funded, true],
    [AssetStatus.Open, AssetStatus.Closed, true],
    [AssetStatus.Open, AssetStatus.Draft, false],
    [AssetStatus.Funded, AssetStatus.Closed, true],
    [AssetStatus.Funded, AssetStatus.Open, false],
    [AssetStatus.Closed, AssetStatus.Open, false],
    [AssetStatus.Cancelled, AssetStatus.Open, false],
    [AssetStatus.Closed, AssetStatus.Closed, true],
  ])('%s → %s: %s', (from, to, allowed) => {
    expect(canMoveAsset(from, to)).toBe(allowed);
  });
});
