import { tokensFor } from './investments.service';

describe('tokensFor: whole tokens an investment buys at confirmation', () => {
  it.each([
    ['1000.000000', '25.000000', '40'],
    ['999.999999', '25', '39'],
    ['0.000001', '0.000001', '1'],
    // Exact where binary floating point is not: 0.3 / 0.1 is 2.9999999999999996 in a double.
    ['0.3', '0.1', '3'],
    ['999999999999999999.999999', '0.000001', '999999999999999999999999'],
  ])('%s at %s a token: %s', (amount, tokenPrice, tokens) => {
    expect(tokensFor({ amount, tokenPrice })).toBe(tokens);
  });

  it('keeps the stored count (null) when the asset has no price or a zero price', () => {
    expect(tokensFor({ amount: '100', tokenPrice: null })).toBeNull();
    expect(tokensFor({ amount: '100', tokenPrice: '0' })).toBeNull();
  });
});
