//! The bookkeeping floor of the M/M/10 model at ρ = 0.9 (one million
//! customers), as a whole process: the bare loop plus the records flowsim's
//! outputs need (`benches/baseline/floor_mmc.rs`), timed beside `bare_mmc`
//! and `flowsim run` of the same model.

#[path = "../benches/baseline/floor_mmc.rs"]
mod floor_mmc;

fn main() {
    let r = floor_mmc::run(9.0, 1.0, 10, 111_112.0, 1);
    // Erlang C for M/M/10 at ρ = 0.9: mean wait 0.669 s; Little's L = λ (W + 1/μ).
    println!(
        "served {} customers, mean wait {:.3} s, mean held {:.2}, p99 latency {:.2} s",
        r.served, r.mean_wait_s, r.mean_held, r.p99_latency_s
    );
}
