//! A 100-point sweep (offered load × worker count), timed as runs per second of
//! the sweep's runs on rayon. `cargo bench --bench sweep`.

use criterion::{Criterion, Throughput};
use flowsim::sweep::{Options, execute, parse_set, plan};
use std::path::Path;

fn main() {
    flowsim::charts::style::register_fonts();
    let mut c = Criterion::default().configure_from_args();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweep-offered-load.toml");
    let sets = [
        parse_set("producer[0].rate=50..140:count=10").unwrap(),
        parse_set("consumer[0].workers=6..15:step=1").unwrap(),
        parse_set("run.horizon_s=120").unwrap(),
    ];
    let budget = flowsim::scenario::limits::MemoryBudget::or_machine(None);
    let p = plan(&file, &sets, Some(1), None, &budget).expect("a valid sweep");
    assert_eq!(p.info.points(), 100);
    let out = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.throughput(Throughput::Elements(p.info.runs() as u64));
    g.bench_function("100_points", |b| {
        b.iter(|| {
            let opts = Options {
                resume: false,
                shard: None,
                quiet: true,
                max_wall: None,
                charts: Default::default(),
                force: false,
            };
            execute(&p, out.path(), &opts).expect("the sweep runs")
        })
    });
    g.finish();
    c.final_summary();
}
