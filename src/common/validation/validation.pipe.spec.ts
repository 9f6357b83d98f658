import 'reflect-metadata';
import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { createValidationPipe } from './validation.pipe';

class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

describe('createValidationPipe (query DTOs remembered per query string)', () => {
  const query = { type: 'query' as const, metatype: PageQuery, data: undefined };

  afterEach(() => jest.restoreAllMocks());

  it('validates a query string once and hands out copies of the same DTO after', async () => {
    const pipe = createValidationPipe();
    const full = jest.spyOn(ValidationPipe.prototype, 'transform');
    const first = await pipe.transform({ limit: '20', order: 'asc' }, query);
    const second = await pipe.transform({ limit: '20', order: 'asc' }, query);
    expect(first).toBeInstanceOf(PageQuery);
    expect(second).toBeInstanceOf(PageQuery);
    expect(second).toEqual({ limit: 20, order: 'asc' });
    expect(second).not.toBe(first);
    expect(full).toHaveBeenCalledTimes(1);
    await pipe.transform({ limit: '21' }, query);
    expect(full).toHaveBeenCalledTimes(2);
  });

  it('checks an invalid query every time and never remembers it', async () => {
    const pipe = createValidationPipe();
    const full = jest.spyOn(ValidationPipe.prototype, 'transform');
    for (let i = 0; i < 2; i++) {
      await expect(pipe.transform({ limit: '0', extra: 'x' }, query)).rejects.toBeInstanceOf(BadRequestException);
    }
    expect(full).toHaveBeenCalledTimes(2);
  });

  it('always runs the full checks on bodies', async () => {
    const pipe = createValidationPipe();
    const full = jest.spyOn(ValidationPipe.prototype, 'transform');
    await pipe.transform({ limit: 5 }, { type: 'body', metatype: PageQuery, data: undefined });
    await pipe.transform({ limit: 5 }, { type: 'body', metatype: PageQuery, data: undefined });
    expect(full).toHaveBeenCalledTimes(2);
  });
});
