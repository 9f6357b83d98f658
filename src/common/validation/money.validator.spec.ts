import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IsEthAddress, IsUint256String, ToChecksumAddress } from './chain.validators';
import { IsApy, IsMoney, IsPositiveMoney } from './money.validator';

class Sample {
  @IsMoney() money: unknown;
  @IsPositiveMoney() positive: unknown;
  @IsApy() apy: unknown;
  @IsUint256String() uint: unknown;
  @ToChecksumAddress() @IsEthAddress() address: unknown;
}

const VALID = { money: '0', positive: '0.000001', apy: '8.5', uint: '0', address: '0x52908400098527886e0f7030069857d2e4169ee7' };

function failures(patch: Partial<Record<keyof Sample, unknown>>): string[] {
  return validateSync(plainToInstance(Sample, { ...VALID, ...patch })).map((error) => error.property);
}

describe('decimal and chain validators', () => {
  it('accepts well-formed values and checksums addresses', () => {
    const sample = plainToInstance(Sample, VALID);
    expect(validateSync(sample)).toEqual([]);
    expect(sample.address).toBe('0x52908400098527886E0F7030069857D2E4169EE7');
    expect(failures({ money: '999999999999999999.999999', uint: ((1n << 256n) - 1n).toString() })).toEqual([]);
  });

  it.each(['1e3', '-1', '+1', '1.1234567', '01', '1.', '.5', ' 1', '1,5', 'NaN', 'Infinity', '0x10', '', '1000000000000000000'])(
    'refuses money %p',
    (value) => {
      expect(failures({ money: value, positive: value })).toEqual(['money', 'positive']);
    },
  );

  it.each([1, 1.5, null, true, {}, []])('refuses money that is not a string: %p', (value) => {
    expect(failures({ money: value })).toEqual(['money']);
  });

  it('refuses zero where the amount must be positive', () => {
    expect(failures({ positive: '0.000000' })).toEqual(['positive']);
  });

  it('refuses uint256 overflow, decimals and signs', () => {
    for (const uint of [(1n << 256n).toString(), '1.0', '-1', '01', 5]) expect(failures({ uint })).toEqual(['uint']);
  });

  it('refuses short, non-hex and mis-checksummed addresses; accepts all-lower and all-upper hex', () => {
    for (const address of ['0x1234', '0xZZ08400098527886e0f7030069857d2e4169ee7', '0x52908400098527886E0F7030069857D2E4169Ee7', 42]) {
      expect(failures({ address })).toEqual(['address']);
    }
    expect(failures({ address: '0x52908400098527886E0F7030069857D2E4169EE7'.toLowerCase() })).toEqual([]);
    expect(failures({ address: '0x' + '52908400098527886E0F7030069857D2E4169EE7'.toUpperCase() })).toEqual([]);
  });
});
