//! More concurrent callers than a database has connections: every caller beyond
//! the limit is refused, fails, and its message comes back to fail again — the
//! Lambda-against-RDS collapse. Cap the consumer (a Lambda event source's
//! maximum concurrency) at the connections, or put a pool in front.

use super::*;

pub const ID: &str = "database-connections";

pub fn check(s: &Scenario) -> Vec<Warning> {
    let mut out = vec![];
    let databases = first_index(s.databases.iter().map(|d| d.name.as_str()));
    for (i, c) in s.consumers.iter().enumerate() {
        let conc = concurrency(s, c);
        // The databases it calls, in file order, each once.
        let mut called: Vec<usize> = c
            .calls
            .iter()
            .filter_map(|n| databases.get(n.as_str()).copied())
            .collect();
        called.sort_unstable();
        called.dedup();
        for (di, db) in called.into_iter().map(|d| (d, &s.databases[d])) {
            // With a pool, callers beyond its size wait instead of connecting:
            // what reaches the database is at most the pool.
            let reaching = match &db.pool {
                Some(p) => p.size.min(conc),
                None => conc,
            };
            if reaching <= db.max_connections {
                continue;
            }
            let who = consumer_name(i, c);
            let consumer = root().key("consumer").index(i);
            let (what, path, fix) = match (&c.lambda, &db.pool) {
                (_, Some(_)) => (
                    "callers through its pool",
                    root().key("database").index(di).key("pool").key("size"),
                    format!(
                        "set the pool's `size = {}` (at most the database's connections)",
                        db.max_connections
                    ),
                ),
                (Some(_), None) => (
                    "concurrent invocations",
                    consumer.key("lambda").key("max_concurrency"),
                    format!(
                        "set `max_concurrency = {}` in [consumer.lambda] of `{who}`, or put a `[database.pool]` in front of `{}`",
                        db.max_connections.max(2),
                        db.name
                    ),
                ),
                (None, None) => (
                    "workers",
                    consumer.key("workers"),
                    format!(
                        "set `workers = {}` on `{who}`, or put a `[database.pool]` in front of `{}`",
                        db.max_connections, db.name
                    ),
                ),
            };
            out.push(Warning {
                rule: ID,
                path,
                message: format!(
                    "`{who}` can run {} {what} > {} connections of database `{}`: the callers beyond the limit are refused and their messages fail",
                    num(reaching as f64),
                    num(db.max_connections as f64),
                    db.name
                ),
                fix,
            });
        }
    }
    out
}
