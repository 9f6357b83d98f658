import { DomainError } from '../common/errors/domain.error';

/** Errors of the assets module (status code and a stable `code`). */
export class AssetError extends DomainError {}

export class AssetNotFoundError extends AssetError {
  constructor() {
    super('asset_not_found', 'Asset not found', 404);
  }
}

export class IllegalAssetTransitionError extends AssetError {
  constructor(from: string, to: string) {
    super('illegal_asset_transition', `An asset cannot move from ${from} to ${to}`, 409, { from, to });
  }
}

export class InvalidAssetFieldError extends AssetError {
  constructor(field: string, message: string) {
    super('invalid_asset_field', `${field} ${message}`, 400, { field });
  }
}

export class TargetBelowCommittedError extends AssetError {
  constructor(committed: string) {
    super('target_below_committed', `targetAmount cannot go below the ${committed} already committed by investors`, 409, { committed });
  }
}
