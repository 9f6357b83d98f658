import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The analytics rollup (entities in src/assets/entities/investment-rollup.entity.ts). Statement
 * triggers on investments append each statement's change of confirmed (asset, investor) amounts and
 * tickets to investment_rollup_queue, in the writer's transaction and without touching a shared row,
 * so concurrent writers (the app, the importer's parallel batches) never wait on each other.
 * fold_investment_rollup() applies the queue to the totals (one fold at a time: the caller holds an
 * advisory lock and a REPEATABLE READ snapshot); a rebuild entry (truncate, an asset changing
 * category, a bulk load, this migration) recomputes everything from investments.
 */
export class InvestmentRollup1795730000000 implements MigrationInterface {
  name = 'InvestmentRollup1795730000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "investment_rollup_queue" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "asset_id" uuid,
                "user_id" uuid,
                "amount" numeric NOT NULL DEFAULT '0',
                "tickets" integer NOT NULL DEFAULT '0',
                "rebuild" boolean NOT NULL DEFAULT false,
                CONSTRAINT "PK_f25fe73630bb3a7ce481f6bf589" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "investment_rollup_pairs" (
                "asset_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "amount" numeric NOT NULL,
                "tickets" integer NOT NULL,
                CONSTRAINT "PK_f8aa79ad9f57519170bdd8d5a47" PRIMARY KEY ("asset_id", "user_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "investment_rollup_assets" (
                "asset_id" uuid NOT NULL,
                "raised" numeric NOT NULL,
                "tickets" integer NOT NULL,
                "investors" integer NOT NULL,
                CONSTRAINT "PK_002dfea5c69561bab88023ba197" PRIMARY KEY ("asset_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "investment_rollup_user_categories" (
                "user_id" uuid NOT NULL,
                "category" "public"."asset_category" NOT NULL,
                "assets" integer NOT NULL,
                CONSTRAINT "PK_9d281527f69b29171200f341d3c" PRIMARY KEY ("user_id", "category")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "investment_rollup_users" (
                "user_id" uuid NOT NULL,
                "assets" integer NOT NULL,
                CONSTRAINT "PK_5ba1adb6c245a2bdcdf6c6be648" PRIMARY KEY ("user_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "investment_rollup_totals" (
                "scope" character varying(32) NOT NULL,
                "investors" integer NOT NULL,
                CONSTRAINT "PK_496e571826552d4816bc37c390b" PRIMARY KEY ("scope")
            )
        `);

    // The change each statement makes to confirmed investments, per (asset, investor).
    await queryRunner.query(`
            CREATE FUNCTION investment_rollup_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO investment_rollup_queue (asset_id, user_id, amount, tickets)
              SELECT asset_id, user_id, sum(amount), count(*) FROM new_rows WHERE status = 'confirmed' GROUP BY asset_id, user_id;
              RETURN NULL;
            END $$
        `);
    await queryRunner.query(`
            CREATE FUNCTION investment_rollup_updated() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO investment_rollup_queue (asset_id, user_id, amount, tickets)
              SELECT asset_id, user_id, sum(amount), sum(tickets) FROM (
                SELECT asset_id, user_id, amount, 1 AS tickets FROM new_rows WHERE status = 'confirmed'
                UNION ALL
                SELECT asset_id, user_id, -amount, -1 FROM old_rows WHERE status = 'confirmed') change
              GROUP BY asset_id, user_id
              HAVING sum(amount) <> 0 OR sum(tickets) <> 0;
              RETURN NULL;
            END $$
        `);
    await queryRunner.query(`
            CREATE FUNCTION investment_rollup_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO investment_rollup_queue (asset_id, user_id, amount, tickets)
              SELECT asset_id, user_id, -sum(amount), -count(*) FROM old_rows WHERE status = 'confirmed' GROUP BY asset_id, user_id;
              RETURN NULL;
            END $$
        `);
    await queryRunner.query(`
            CREATE FUNCTION investment_rollup_rebuild_later() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO investment_rollup_queue (rebuild) VALUES (true);
              RETURN NULL;
            END $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER trg_investments_rollup_insert AFTER INSERT ON investments
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION investment_rollup_inserted()
        `);
    await queryRunner.query(`
            CREATE TRIGGER trg_investments_rollup_update AFTER UPDATE ON investments
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION investment_rollup_updated()
        `);
    await queryRunner.query(`
            CREATE TRIGGER trg_investments_rollup_delete AFTER DELETE ON investments
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION investment_rollup_deleted()
        `);
    await queryRunner.query(`
            CREATE TRIGGER trg_investments_rollup_truncate AFTER TRUNCATE ON investments
            FOR EACH STATEMENT EXECUTE FUNCTION investment_rollup_rebuild_later()
        `);
    // Category totals count each investor once per category: an asset moving category recomputes them.
    await queryRunner.query(`
            CREATE TRIGGER trg_assets_rollup_category AFTER UPDATE OF category ON assets
            FOR EACH ROW WHEN (OLD.category IS DISTINCT FROM NEW.category) EXECUTE FUNCTION investment_rollup_rebuild_later()
        `);

    await queryRunner.query(`
            CREATE FUNCTION fold_investment_rollup() RETURNS integer LANGUAGE plpgsql AS $$
            DECLARE
              folded integer;
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM investment_rollup_queue) THEN
                RETURN 0;
              END IF;
              -- A rebuild asked for, or a bulk load: recomputing is cheaper than folding entry by entry.
              IF EXISTS (SELECT 1 FROM investment_rollup_queue WHERE rebuild)
                 OR (SELECT count(*) FROM (SELECT 1 FROM investment_rollup_queue LIMIT 20001) q) > 20000 THEN
                DELETE FROM investment_rollup_queue;
                DELETE FROM investment_rollup_pairs;
                DELETE FROM investment_rollup_assets;
                DELETE FROM investment_rollup_user_categories;
                DELETE FROM investment_rollup_users;
                DELETE FROM investment_rollup_totals;
                INSERT INTO investment_rollup_pairs (asset_id, user_id, amount, tickets)
                  SELECT asset_id, user_id, sum(amount), count(*) FROM investments WHERE status = 'confirmed' GROUP BY asset_id, user_id;
                INSERT INTO investment_rollup_assets (asset_id, raised, tickets, investors)
                  SELECT asset_id, sum(amount), sum(tickets), count(*) FROM investment_rollup_pairs GROUP BY asset_id;
                INSERT INTO investment_rollup_user_categories (user_id, category, assets)
                  SELECT p.user_id, a.category, count(*) FROM investment_rollup_pairs p JOIN assets a ON a.id = p.asset_id GROUP BY p.user_id, a.category;
                INSERT INTO investment_rollup_users (user_id, assets)
                  SELECT user_id, count(*) FROM investment_rollup_pairs GROUP BY user_id;
                INSERT INTO investment_rollup_totals (scope, investors)
                  SELECT category::text, count(*) FROM investment_rollup_user_categories GROUP BY category
                  UNION ALL SELECT 'platform', count(*) FROM investment_rollup_users;
                RETURN -1;
              END IF;

              CREATE TEMP TABLE rollup_delta (asset_id uuid, user_id uuid, amount numeric, tickets integer) ON COMMIT DROP;
              WITH taken AS (DELETE FROM investment_rollup_queue RETURNING asset_id, user_id, amount, tickets)
              INSERT INTO rollup_delta SELECT asset_id, user_id, sum(amount), sum(tickets) FROM taken GROUP BY asset_id, user_id;
              GET DIAGNOSTICS folded = ROW_COUNT;

              -- change: +1 when an (asset, investor) pair gets its first confirmed ticket, -1 when it loses its last.
              CREATE TEMP TABLE rollup_pair_change (asset_id uuid, user_id uuid, change integer) ON COMMIT DROP;
              WITH upserted AS (
                INSERT INTO investment_rollup_pairs AS p (asset_id, user_id, amount, tickets)
                SELECT asset_id, user_id, amount, tickets FROM rollup_delta
                ON CONFLICT (asset_id, user_id) DO UPDATE SET amount = p.amount + EXCLUDED.amount, tickets = p.tickets + EXCLUDED.tickets
                RETURNING p.asset_id, p.user_id, p.tickets)
              INSERT INTO rollup_pair_change
              SELECT u.asset_id, u.user_id, (u.tickets > 0)::int - (u.tickets - d.tickets > 0)::int
                FROM upserted u JOIN rollup_delta d ON d.asset_id = u.asset_id AND d.user_id = u.user_id;
              DELETE FROM investment_rollup_pairs p USING rollup_delta d
               WHERE p.asset_id = d.asset_id AND p.user_id = d.user_id AND p.tickets = 0;

              INSERT INTO investment_rollup_assets AS r (asset_id, raised, tickets, investors)
              SELECT d.asset_id, sum(d.amount), sum(d.tickets), sum(c.change)
                FROM rollup_delta d JOIN rollup_pair_change c ON c.asset_id = d.asset_id AND c.user_id = d.user_id
               GROUP BY d.asset_id
              ON CONFLICT (asset_id) DO UPDATE
                SET raised = r.raised + EXCLUDED.raised, tickets = r.tickets + EXCLUDED.tickets, investors = r.investors + EXCLUDED.investors;

              -- The platform's distinct investors: investors whose count of assets leaves or reaches 0.
              CREATE TEMP TABLE rollup_user_change (user_id uuid, change integer) ON COMMIT DROP;
              WITH changes AS (
                SELECT user_id, sum(change)::int AS change FROM rollup_pair_change WHERE change <> 0 GROUP BY user_id HAVING sum(change) <> 0
              ), upserted AS (
                INSERT INTO investment_rollup_users AS u (user_id, assets) SELECT user_id, change FROM changes
                ON CONFLICT (user_id) DO UPDATE SET assets = u.assets + EXCLUDED.assets
                RETURNING u.user_id, u.assets)
              INSERT INTO rollup_user_change
              SELECT u.user_id, (u.assets > 0)::int - (u.assets - c.change > 0)::int FROM upserted u JOIN changes c ON c.user_id = u.user_id;
              DELETE FROM investment_rollup_users u USING rollup_user_change c WHERE u.user_id = c.user_id AND u.assets = 0;
              INSERT INTO investment_rollup_totals AS t (scope, investors)
              SELECT 'platform', sum(change) FROM rollup_user_change HAVING count(*) > 0
              ON CONFLICT (scope) DO UPDATE SET investors = t.investors + EXCLUDED.investors;

              -- Each category's distinct investors, likewise.
              CREATE TEMP TABLE rollup_category_change (user_id uuid, category asset_category, change integer) ON COMMIT DROP;
              WITH changes AS (
                SELECT c.user_id, a.category, sum(c.change)::int AS change
                  FROM rollup_pair_change c JOIN assets a ON a.id = c.asset_id
                 WHERE c.change <> 0 GROUP BY c.user_id, a.category HAVING sum(c.change) <> 0
              ), upserted AS (
                INSERT INTO investment_rollup_user_categories AS u (user_id, category, assets) SELECT user_id, category, change FROM changes
                ON CONFLICT (user_id, category) DO UPDATE SET assets = u.assets + EXCLUDED.assets
                RETURNING u.user_id, u.category, u.assets)
              INSERT INTO rollup_category_change
              SELECT u.user_id, u.category, (u.assets > 0)::int - (u.assets - c.change > 0)::int
                FROM upserted u JOIN changes c ON c.user_id = u.user_id AND c.category = u.category;
              DELETE FROM investment_rollup_user_categories u USING rollup_category_change c
               WHERE u.user_id = c.user_id AND u.category = c.category AND u.assets = 0;
              INSERT INTO investment_rollup_totals AS t (scope, investors)
              SELECT category::text, sum(change) FROM rollup_category_change GROUP BY category
              ON CONFLICT (scope) DO UPDATE SET investors = t.investors + EXCLUDED.investors;

              DROP TABLE rollup_delta, rollup_pair_change, rollup_user_change, rollup_category_change;
              RETURN folded;
            END $$
        `);
    // Investments that exist already: the first fold computes their totals.
    await queryRunner.query(`INSERT INTO investment_rollup_queue (rebuild) VALUES (true)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER trg_assets_rollup_category ON assets`);
    await queryRunner.query(`DROP TRIGGER trg_investments_rollup_truncate ON investments`);
    await queryRunner.query(`DROP TRIGGER trg_investments_rollup_delete ON investments`);
    await queryRunner.query(`DROP TRIGGER trg_investments_rollup_update ON investments`);
    await queryRunner.query(`DROP TRIGGER trg_investments_rollup_insert ON investments`);
    await queryRunner.query(`DROP FUNCTION fold_investment_rollup()`);
    await queryRunner.query(`DROP FUNCTION investment_rollup_rebuild_later()`);
    await queryRunner.query(`DROP FUNCTION investment_rollup_deleted()`);
    await queryRunner.query(`DROP FUNCTION investment_rollup_updated()`);
    await queryRunner.query(`DROP FUNCTION investment_rollup_inserted()`);
    await queryRunner.query(`DROP TABLE "investment_rollup_totals"`);
    await queryRunner.query(`DROP TABLE "investment_rollup_users"`);
    await queryRunner.query(`DROP TABLE "investment_rollup_user_categories"`);
    await queryRunner.query(`DROP TABLE "investment_rollup_assets"`);
    await queryRunner.query(`DROP TABLE "investment_rollup_pairs"`);
    await queryRunner.query(`DROP TABLE "investment_rollup_queue"`);
  }
}
