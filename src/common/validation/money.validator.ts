import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/**
 * A money amount as an exact decimal string that fits numeric(24,6): up to 18 integer digits,
 * up to 6 decimals, no sign, no exponent, no leading zeros. Numbers are refused on purpose:
 * a JSON number has already been through a float.
 */
export const MONEY_PATTERN = /^(0|[1-9][0-9]{0,17})(\.[0-9]{1,6})?$/;

/** `expected_apy` numeric(7,4): a percentage like "8.5". */
export const APY_PATTERN = /^(0|[1-9][0-9]{0,2})(\.[0-9]{1,4})?$/;

function decimalString(pattern: RegExp, describe: string, positive: boolean, options?: ValidationOptions) {
  return (object: object, propertyName: string) => {
    registerDecorator({
      name: positive ? 'isPositiveDecimalString' : 'isDecimalString',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || !pattern.test(value)) return false;
          return !positive || /[1-9]/.test(value);
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must be ${positive ? 'a positive' : 'a non-negative'} ${describe} as a string (e.g. "100.50")`;
        },
      },
    });
  };
}

/** A non-negative money amount: decimal string, ≤ 6 decimals, no exponent. */
export const IsMoney = (options?: ValidationOptions) => decimalString(MONEY_PATTERN, 'decimal with at most 6 decimals', false, options);

/** A money amount strictly greater than zero. */
export const IsPositiveMoney = (options?: ValidationOptions) =>
  decimalString(MONEY_PATTERN, 'decimal with at most 6 decimals', true, options);

/** An APY percentage: decimal string, ≤ 4 decimals, below 1000. */
export const IsApy = (options?: ValidationOptions) => decimalString(APY_PATTERN, 'percentage with at most 4 decimals', false, options);
