package pgstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one numbered SQL file of migrations/.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order. A file is
// named NNNN_name.sql; versions start at 1 and have no gaps.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, n := range names {
		base := path.Base(n)
		num, rest, ok := strings.Cut(base, "_")
		if !ok {
			return nil, fmt.Errorf("pgstore: migration %s: name is not NNNN_name.sql", base)
		}
		v, err := strconv.Atoi(num)
		if err != nil || v < 1 {
			return nil, fmt.Errorf("pgstore: migration %s: bad version %q", base, num)
		}
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: strings.TrimSuffix(rest, ".sql"), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("pgstore: migrations: version %d missing", i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this package's migrations reach.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// Migrate creates opts.Schema if missing and brings its tables to
// SchemaVersion, applying the missing embedded migrations in order in one
// transaction and recording each in the schema_version table. It is
// idempotent and safe to call from many instances at once: an advisory lock
// per schema makes callers take turns. It returns an error matching
// ErrSchemaTooNew if the schema was migrated by a newer version of this
// package.
func Migrate(ctx context.Context, pool *pgxpool.Pool, opts Options) error {
	schema, err := opts.schema()
	if err != nil {
		return err
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	q := quoteIdent(schema)
	return pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
			"backorderkit\x1fmigrate\x1f"+schema); err != nil {
			return wrapErr("migrate: lock", err)
		}
		if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+q); err != nil {
			return wrapErr("migrate: create schema", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+q+`.schema_version (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return wrapErr("migrate: create schema_version", err)
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM `+q+`.schema_version`).Scan(&current); err != nil {
			return wrapErr("migrate: read version", err)
		}
		if latest := len(ms); current > latest {
			return fmt.Errorf("pgstore: schema %q is at version %d, this package knows %d: %w",
				schema, current, latest, ErrSchemaTooNew)
		}
		if current == len(ms) {
			return nil
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('search_path', $1, true)`, q); err != nil {
			return wrapErr("migrate: search_path", err)
		}
		for _, m := range ms[current:] {
			// The simple protocol runs a file of many statements at once.
			if _, err := tx.Conn().PgConn().Exec(ctx, m.sql).ReadAll(); err != nil {
				return wrapErr(fmt.Sprintf("migrate: %04d_%s", m.version, m.name), err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO `+q+`.schema_version (version, name) VALUES ($1, $2)`,
				m.version, m.name); err != nil {
				return wrapErr("migrate: record version", err)
			}
		}
		return nil
	})
}
