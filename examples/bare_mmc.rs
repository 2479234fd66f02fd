//! The bare event loop of the M/M/10 model at ρ = 0.9 (one million customers),
//! as a whole process: the baseline `flowsim run` of the same model is timed
//! against (`/usr/bin/time target/release/examples/bare_mmc`).

#[path = "../benches/baseline/bare_mmc.rs"]
mod bare_mmc;

fn main() {
    let r = bare_mmc::run(9.0, 1.0, 10, 111_112.0, 1);
    // Erlang C for M/M/10 at ρ = 0.9: mean wait 0.669 s.
    println!(
        "served {} customers, mean wait {:.3} s",
        r.served, r.mean_wait_s
    );
}
