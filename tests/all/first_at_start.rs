//! `first_at_start`: an open-loop client's or a producer's first arrival at
//! `start_s` itself rather than one gap after it.

use crate::common::run_text;

/// Evenly spaced at 1/s from 10 s, stopping before 12.5 s: at 11 and 12
/// (one gap after the start), or at 10, 11 and 12.
#[test]
fn an_open_loop_client_sends_its_first_request_at_the_start() {
    let requests = |extra: &str| {
        let s = run_text(&format!(
            "[run]\nhorizon_s = 20\n[[service]]\nname = \"s\"\nbase_s = 0.01\n[[client]]\nname = \"c\"\ntarget = \"s\"\nrate = 1\narrivals = \"constant\"\nstart_s = 10\nstop_s = 12.5\n{extra}\n"
        ))
        .summary;
        (s.clients[0].requests, s.clients[0].successes)
    };
    assert_eq!(requests(""), (2, 2));
    assert_eq!(requests("first_at_start = true"), (3, 3));
}

/// A producer at 2/s from 0 until 10 s: 19 messages (0.5 … 9.5), or 20 with
/// the first at 0.
#[test]
fn a_producer_publishes_its_first_message_at_the_start() {
    let produced = |extra: &str| {
        let s = run_text(&format!(
            "[run]\nhorizon_s = 20\n[[queue]]\nname = \"q\"\n[[producer]]\nrate = 2\narrivals = \"constant\"\nstop_s = 10\n{extra}\n[[consumer]]\nqueue = \"q\"\n"
        ))
        .summary;
        s.producers[0].produced
    };
    assert_eq!(produced(""), 19);
    assert_eq!(produced("first_at_start = true"), 20);
}
