import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ImportQuarantine } from './entities/import-quarantine.entity';
import { ImportRun } from './entities/import-run.entity';

/** The legacy JSON store importer; its command-line tools run outside the HTTP app. */
@Module({
  imports: [TypeOrmModule.forFeature([ImportRun, ImportQuarantine])],
  exports: [TypeOrmModule],
})
export class MigrationModule {}
