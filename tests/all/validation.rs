//! Scenario validation: what serde cannot see (ranges, references, combinations)
//! is refused before anything runs, with the key at fault.

use crate::common::problems;
use flowsim::{ScenarioError, load_str};

const BASE: &str = r#"
[[queue]]
name = "a"
[[queue]]
name = "b"
[[producer]]
queue = "a"
rate = 1.0
"#;

#[test]
fn the_base_is_valid() {
    load_str("v.toml", BASE).unwrap();
}

#[test]
fn dead_letter_cycles_and_mixed_types_are_refused() {
    let cyc = BASE
        .replace(
            "name = \"a\"",
            "name = \"a\"\nmax_receive_count = 2\ndead_letter_queue = \"b\"",
        )
        .replace(
            "name = \"b\"",
            "name = \"b\"\nmax_receive_count = 2\ndead_letter_queue = \"a\"",
        );
    let e = problems(&cyc);
    assert!(
        e.contains("lead back") && e.contains("queue[0].dead_letter_queue"),
        "{e}"
    );
    let mixed = BASE.replace(
        "name = \"a\"",
        "name = \"a\"\nfifo = true\nmax_receive_count = 2\ndead_letter_queue = \"b\"",
    );
    let e = problems(&mixed);
    assert!(e.contains("same type"), "{e}");
    let half = BASE.replace("name = \"a\"", "name = \"a\"\nmax_receive_count = 2");
    assert!(problems(&half).contains("needs a dead-letter queue"));
}

#[test]
fn overlapping_ramps_and_silent_producers_are_refused() {
    let ramps = BASE.replace(
        "rate = 1.0",
        "rate = 1.0\nprofile = [{ kind = \"ramp\", from_s = 0, to_s = 100, to_rate = 50 }, { kind = \"ramp\", from_s = 50, to_s = 150, to_rate = 0 }]",
    );
    let e = problems(&ramps);
    assert!(
        e.contains("overlaps a ramp") && e.contains("producer[0].profile[1]"),
        "{e}"
    );
    let silent = BASE.replace(
        "rate = 1.0",
        "rate = 0.0\nprofile = [{ kind = \"spike\", at_s = 10, duration_s = 5, factor = 10 }]",
    );
    assert!(problems(&silent).contains("sends nothing"));
}

#[test]
fn profile_steps_need_their_own_keys_only() {
    let missing = BASE.replace(
        "rate = 1.0",
        "rate = 1.0\nprofile = [{ kind = \"spike\", at_s = 10, factor = 3 }]",
    );
    assert!(problems(&missing).contains("needs `duration_s`"));
    let extra = BASE.replace(
        "rate = 1.0",
        "rate = 1.0\nprofile = [{ kind = \"step\", at_s = 10, rate = 3, factor = 2 }]",
    );
    let e = problems(&extra);
    assert!(
        e.contains("`factor` does not apply") && e.contains("producer[0].profile[0].factor"),
        "{e}"
    );
}

#[test]
fn distributions_need_their_parameters() {
    let src = format!(
        "{BASE}\n[[consumer]]\nqueue = \"a\"\nprocessing_s = {{ dist = \"lognormal\", mean = 1.0 }}\n"
    );
    assert!(problems(&src).contains("needs `cv`"));
    let src = format!(
        "{BASE}\n[[consumer]]\nqueue = \"a\"\nprocessing_s = {{ dist = \"uniform\", min = 2.0, max = 1.0 }}\n"
    );
    assert!(problems(&src).contains("max is below min"));
}

#[test]
fn the_heavy_tailed_empirical_and_mixed_distributions_are_checked_at_their_keys() {
    let with = |d: &str| format!("{BASE}\n[[consumer]]\nqueue = \"a\"\nprocessing_s = {d}\n");
    let cases = [
        (r#"{ dist = "normal", mean = 1.0 }"#, "needs `sd`"),
        (
            r#"{ dist = "normal", mean = 1.0, sd = 0.1, cv = 1 }"#,
            "`cv` does not apply to a normal distribution",
        ),
        (
            r#"{ dist = "pareto", shape = 1.0, scale = 1.0 }"#,
            "so that the mean is finite",
        ),
        (
            r#"{ dist = "weibull", shape = 0.01, scale = 1.0 }"#,
            "a shape from 0.1 to 100",
        ),
        (
            r#"{ dist = "empirical", samples = [] }"#,
            "from 1 to 1000000 values",
        ),
        (
            r#"{ dist = "empirical", samples = [1, -2] }"#,
            "consumer[0].processing_s.samples[1]",
        ),
        (
            r#"{ dist = "exponential", mean = 1.0, weight = 2 }"#,
            "applies to a mixture's components only",
        ),
        (
            r#"{ dist = "mixture", components = [ { dist = "constant", mean = 1 } ] }"#,
            "a mixture's component needs `weight`",
        ),
        (
            r#"{ dist = "mixture", components = [ { weight = 1, dist = "mixture", components = [] } ] }"#,
            "cannot be a mixture",
        ),
    ];
    for (d, want) in cases {
        let e = problems(&with(d));
        assert!(e.contains(want), "{d}: {e}");
    }
    let ok = r#"{ dist = "mixture", components = [ { weight = 0.95, dist = "lognormal", mean = 0.004, cv = 0.5 }, { weight = 0.05, dist = "pareto", shape = 2.5, scale = 0.2 } ] }"#;
    load_str("v.toml", &with(ok)).unwrap();
}

#[test]
fn token_buckets_and_ratio_breakers_are_checked_at_their_keys() {
    let with = |extra: &str| {
        format!(
            "{BASE}\n[[consumer]]\nqueue = \"a\"\ncalls = [\"api\"]\n{extra}\n[[api]]\nname = \"api\"\nrate = 10\nburst = 10\n"
        )
    };
    let cases = [
        (
            "[consumer.retry]\ntoken_bucket = { capacity = 1, credit = 0.1, cost = 2 }",
            "no retry could ever be made",
        ),
        (
            "[consumer.retry]\nbudget_ratio = 0.1\ntoken_bucket = { capacity = 10, credit = 0.1 }",
            "two retry budgets",
        ),
        (
            "[consumer.breaker]\ntrip = \"ratio\"",
            "needs `failure_ratio`",
        ),
        (
            "[consumer.breaker]\ntrip = \"ratio\"\nfailure_ratio = 1.5",
            "consumer[0].breaker.failure_ratio",
        ),
        (
            "[consumer.breaker]\ntrip = \"ratio\"\nfailure_ratio = 0.5\nfailures = 3",
            "`failures` applies to a count",
        ),
        (
            "[consumer.breaker]\nfailures = 3\nmin_calls = 3",
            "`min_calls` applies to a ratio",
        ),
        (
            "[consumer.breaker]\ncooldown_s = -1",
            "consumer[0].breaker.cooldown_s",
        ),
    ];
    for (extra, want) in cases {
        let e = problems(&with(extra));
        assert!(e.contains(want), "{extra}: {e}");
    }
    load_str(
        "v.toml",
        &with("[consumer.retry]\ntoken_bucket = { capacity = 10, credit = 0.1, credit_on = \"success\" }\n[consumer.breaker]\ntrip = \"ratio\"\nfailure_ratio = 0.5\ncumulative = true\ncooldown_s = 0\nblocks = \"retries\""),
    )
    .unwrap();
}

/// `scope = "client"` needs clients to keep state for, and state to keep;
/// consumers share theirs.
#[test]
fn per_client_scopes_are_checked_at_their_keys() {
    let client = |extra: &str| {
        format!(
            "[[service]]\nname = \"s\"\nbase_s = 0.01\n[[client]]\nname = \"c\"\ntarget = \"s\"\n{extra}\n"
        )
    };
    let bucket = "[client.retry]\ntoken_bucket = { capacity = 10, credit = 0.1 }";
    let cases = [
        (
            client(&format!("rate = 10\n{bucket}\nscope = \"client\"")),
            (
                "client[0].retry.scope",
                "a budget per client, but how many clients?",
            ),
        ),
        (
            client("rate = 10\npopulation = 5\n[client.retry]\nattempts = 3\nscope = \"client\""),
            (
                "client[0].retry.scope",
                "a scope for a retry budget, but there is none",
            ),
        ),
        (
            client("rate = 10\n[client.breaker]\nscope = \"client\""),
            ("client[0].breaker.scope", "a breaker per client"),
        ),
        (
            client("count = 5\npopulation = 5"),
            (
                "client[0].population",
                "a closed loop's clients are its `count`",
            ),
        ),
        (
            client("rate = 10\npopulation = 0"),
            ("client[0].population", "no clients"),
        ),
        (
            client("rate = 10\n[client.breaker]\nscope = \"everyone\""),
            ("client[0].breaker.scope", "one of: population, client"),
        ),
        (
            format!(
                "{BASE}\n[[consumer]]\nqueue = \"a\"\ncalls = [\"api\"]\n[consumer.breaker]\nscope = \"client\"\n[[api]]\nname = \"api\"\nrate = 10\nburst = 10\n"
            ),
            (
                "consumer[0].breaker.scope",
                "a consumer's workers share its breakers",
            ),
        ),
    ];
    for (src, want) in cases {
        let e = refusal(&src);
        let (key, what) = want;
        assert!(e.contains(what), "{src}: {e}");
        assert!(e.contains(key), "{src}: {e}");
    }
    load_str(
        "v.toml",
        &client(&format!("rate = 10\npopulation = 100\n{bucket}\nscope = \"client\"\n[client.breaker]\nscope = \"client\"")),
    )
    .unwrap();
    load_str(
        "v.toml",
        &client(&format!("count = 3\n{bucket}\nscope = \"client\"")),
    )
    .unwrap();
}

const LAMBDA: &str = r#"
[[queue]]
name = "orders"

[[producer]]
rate = 1.0

[[consumer]]
name = "fn"
calls = ["orders-db"]

[consumer.lambda]
max_concurrency = 50

[[database]]
name = "orders-db"
max_connections = 50
"#;

#[test]
fn the_lambda_base_is_valid_and_batches_ten() {
    let s = load_str("v.toml", LAMBDA).unwrap();
    assert_eq!(s.consumers[0].batch_size(), 10);
}

#[test]
fn a_call_to_an_unknown_downstream_names_the_ones_there_are() {
    let e = problems(&LAMBDA.replace("calls = [\"orders-db\"]", "calls = [\"order-db\"]"));
    assert!(
        e.contains("no database or API named `order-db`")
            && e.contains("consumer[0].calls[0]")
            && e.contains("orders-db"),
        "{e}"
    );
    // The line of the bad value is shown.
    assert!(e.contains("v.toml:10:10"), "{e}");
}

#[test]
fn lambda_rules_are_checked_against_the_real_limits() {
    let e = problems(&LAMBDA.replace("max_concurrency = 50", "max_concurrency = 5000"));
    assert!(
        e.contains("2 to 1000") && e.contains("consumer[0].lambda.max_concurrency"),
        "{e}"
    );
    let e = problems(&LAMBDA.replace("name = \"fn\"", "name = \"fn\"\nworkers = 10"));
    assert!(e.contains("scales its own concurrency"), "{e}");
    let e = problems(&LAMBDA.replace("max_concurrency = 50", "batch_window_s = 400"));
    assert!(e.contains("[0, 300]"), "{e}");
    // A misspelt key inside the table is found by serde, with a suggestion.
    let e = match load_str(
        "v.toml",
        &LAMBDA.replace("max_concurrency", "max_concurency"),
    ) {
        Err(ScenarioError::Invalid(ds)) => ds[0].to_string(),
        other => panic!("{:?}", other.map(|_| ())),
    };
    assert!(
        e.contains("max_concurency") && e.contains("max_concurrency"),
        "{e}"
    );
}

#[test]
fn faults_need_the_value_of_their_kind_and_names_stay_distinct() {
    let fault = "\n[[fault]]\ntarget = \"orders-db\"\nkind = \"errors\"\nfrom_s = 10\nto_s = 20\n";
    let e = problems(&format!("{LAMBDA}{fault}"));
    assert!(e.contains("an errors fault needs `error_rate`"), "{e}");
    let e = problems(&format!(
        "{LAMBDA}{}",
        fault.replace("kind = \"errors\"", "kind = \"outage\"\nfactor = 2")
    ));
    assert!(
        e.contains("`factor` does not apply to an outage fault"),
        "{e}"
    );
    let e = problems(&format!(
        "{LAMBDA}{}",
        fault.replace("to_s = 20", "to_s = 5")
    ));
    assert!(e.contains("ends before it starts"), "{e}");
    let e = problems(
        &LAMBDA
            .replace("name = \"fn\"", "name = \"orders-db\"\ncalls = []")
            .replace("calls = [\"orders-db\"]\n", ""),
    );
    assert!(e.contains("also named `orders-db`"), "{e}");
}

const LOG: &str = r#"
[[topic]]
name = "events"
partitions = 3

[[topic]]
name = "events-dlt"

[[producer]]
topic = "events"
rate = 1.0

[[consumer]]
name = "group"
topic = "events"
workers = 2

[consumer.group]
max_attempts = 3
dead_letter_topic = "events-dlt"
"#;

#[test]
fn topics_and_groups_are_checked() {
    load_str("v.toml", LOG).unwrap();
    let e = problems(&LOG.replace("topic = \"events\"\nrate", "topic = \"event\"\nrate"));
    assert!(
        e.contains("no topic named `event`") && e.contains("did you mean `events`"),
        "{e}"
    );
    let e = problems(&LOG.replace(
        "dead_letter_topic = \"events-dlt\"",
        "dead_letter_topic = \"events\"",
    ));
    assert!(e.contains("dead-letters into the topic it reads"), "{e}");
    let e = problems(&LOG.replace("max_attempts = 3", "max_attempts = 0"));
    assert!(e.contains("retried forever"), "{e}");
    let e = problems(&LOG.replace("partitions = 3", "partitions = 0"));
    assert!(e.contains("topic[0].partitions"), "{e}");
    let e = problems(&LOG.replace("topic = \"events\"\nworkers", "queue = \"q\"\nworkers"));
    assert!(
        e.contains("group settings on a consumer that reads a queue"),
        "{e}"
    );
}

#[test]
fn clients_name_their_target_and_their_loop() {
    let base = r#"
[[service]]
name = "checkout"
base_s = 0.1

[[record]]
name = "counter"
"#;
    let both =
        format!("{base}\n[[client]]\nname = \"a\"\ntarget = \"chekout\"\nrate = 10\ncount = 5\n");
    let p = problems(&both);
    assert!(
        p.contains("client[0].target") && p.contains("did you mean `checkout`"),
        "{p}"
    );
    assert!(
        p.contains("client[0].rate") && p.contains("not both"),
        "{p}"
    );
    let neither = format!(
        "{base}\n[[client]]\nname = \"a\"\ntarget = \"checkout\"\nthink_s = {{ dist = \"exponential\", mean = 1 }}\n"
    );
    let p = problems(&neither);
    assert!(
        p.contains("how many requests?") && p.contains("applies to closed-loop clients"),
        "{p}"
    );
    let timeout = format!(
        "{base}\n[[client]]\nname = \"a\"\ntarget = \"counter\"\ncount = 3\ntimeout_s = 1\n"
    );
    assert!(problems(&timeout).contains("client[0].timeout_s"));
    let shared =
        format!("{base}\n[[client]]\nname = \"checkout\"\ntarget = \"counter\"\ncount = 3\n");
    assert!(problems(&shared).contains("also named `checkout`"));
    let fault = format!(
        "{base}\n[[client]]\nname = \"a\"\ntarget = \"checkout\"\nrate = 1\n[[fault]]\ntarget = \"counter\"\nkind = \"outage\"\nfrom_s = 1\nto_s = 2\n"
    );
    assert!(problems(&fault).contains("fault[0].target"));
}

const PUSH: &str = r#"
[[push]]
name = "orders"
queues = ["receipt"]
[[queue]]
name = "receipt"
[[queue]]
name = "hook-dlq"
[[producer]]
push = "orders"
rate = 1.0
[[consumer]]
queue = "receipt"
[[consumer]]
name = "hook"
push = "orders"
workers = 10
delivery = { dead_letter_queue = "hook-dlq" }
"#;

#[test]
fn push_topics_and_their_subscriptions_are_checked() {
    load_str("v.toml", PUSH).unwrap();
    let e = problems(&PUSH.replace("queues = [\"receipt\"]", "queues = [\"reciept\"]"));
    assert!(
        e.contains("push[0].queues[0]") && e.contains("receipt"),
        "{e}"
    );
    let e = problems(&PUSH.replace("push = \"orders\"\nrate", "push = \"order\"\nrate"));
    assert!(
        e.contains("producer[0].push") && e.contains("orders"),
        "{e}"
    );
    let e = problems(&PUSH.replace(
        "name = \"hook\"\npush",
        "name = \"hook\"\nqueue = \"receipt\"\npush",
    ));
    assert!(
        e.contains("consumer[1].push") && e.contains("one of `queue`, `topic` or `push`"),
        "{e}"
    );
    let e = problems(&PUSH.replace("workers = 10", "workers = 10\nlambda = {}\nbatch_size = 5"));
    assert!(
        e.contains("consumer[1].lambda") && e.contains("consumer[1].batch_size"),
        "{e}"
    );
    let e = problems(&PUSH.replace("rate = 1.0", "rate = 1.0\ninitial_backlog = 5"));
    assert!(e.contains("producer[0].initial_backlog"), "{e}");
    // A name shared with a queue, and a FIFO subscription.
    let e = problems(&PUSH.replace("name = \"hook-dlq\"", "name = \"orders\""));
    assert!(e.contains("also named `orders`"), "{e}");
    let e = problems(&PUSH.replace(
        "name = \"receipt\"\n[[queue]]",
        "name = \"receipt\"\nfifo = true\n[[queue]]",
    ));
    assert!(e.contains("FIFO"), "{e}");
    // Delivery policies on something not pushed to.
    let e = problems(&PUSH.replace(
        "queue = \"receipt\"\n[[consumer]]",
        "queue = \"receipt\"\ndelivery = {}\n[[consumer]]",
    ));
    assert!(e.contains("consumer[0].delivery"), "{e}");
}

#[test]
fn delivery_policies_keep_to_the_sns_http_limits() {
    let with = |d: &str| PUSH.replace("delivery = { dead_letter_queue = \"hook-dlq\" }", d);
    let e = problems(&with("delivery = { backoff_retries = 101 }"));
    assert!(
        e.contains("101 retries") && e.contains("at most 100"),
        "{e}"
    );
    let e = problems(&with(
        "delivery = { post_backoff_retries = 50, max_delay_s = 100 }",
    ));
    assert!(e.contains("add up to") && e.contains("3600"), "{e}");
    // The AWS-managed preset is exempt: 100,015 attempts over days.
    load_str("v.toml", &with("delivery = { preset = \"aws_managed\" }")).unwrap();
    let e = problems(&with("delivery = { min_delay_s = 30, max_delay_s = 10 }"));
    assert!(e.contains("consumer[1].delivery.max_delay_s"), "{e}");
    let e = problems(&with(
        "delivery = { timeout_s = 0, throttle_per_s = -1, max_s = 4000 }",
    ));
    for k in ["timeout_s", "throttle_per_s", "max_s"] {
        assert!(e.contains(&format!("consumer[1].delivery.{k}")), "{k}: {e}");
    }
    let e = problems(&with("delivery = { backoff_function = \"cubic\" }"));
    assert!(e.contains("backoff_function") || e.contains("cubic"), "{e}");
    let e = problems(&with("delivery = { dead_letter_queue = \"hook-dlg\" }"));
    assert!(e.contains("hook-dlq"), "{e}");
}

#[test]
fn prefetch_is_for_worker_pools_on_a_queue() {
    let base = PUSH.replace(
        "[[consumer]]\nqueue = \"receipt\"",
        "[[consumer]]\nqueue = \"receipt\"\nprefetch = 10",
    );
    load_str("v.toml", &base).unwrap();
    let e = problems(&base.replace("prefetch = 10", "prefetch = 0"));
    assert!(
        e.contains("consumer[0].prefetch") && e.contains("unlimited"),
        "{e}"
    );
    let e = problems(&base.replace(
        "prefetch = 10",
        "prefetch = 10\nbatch_size = 10\nlambda = {}",
    ));
    assert!(
        e.contains("consumer[0].batch_size") && e.contains("consumer[0].lambda"),
        "{e}"
    );
}

#[test]
fn bad_publish_policies_are_refused_at_their_keys() {
    let with = |policy: &str| format!("{BASE}[producer.publish]\n{policy}\n");
    let e = problems(&with("attempts = 0"));
    assert!(e.contains("producer[0].publish.attempts"), "{e}");
    let e = problems(&with("buffer = 0"));
    assert!(e.contains("producer[0].publish.buffer"), "{e}");
    let e = problems(&with("base_s = 0"));
    assert!(e.contains("producer[0].publish.base_s"), "{e}");
    let e = problems(&with("base_s = 5\ncap_s = 1"));
    assert!(e.contains("producer[0].publish.cap_s"), "{e}");
    let e = problems(&with("multiplier = 0.5"));
    assert!(e.contains("producer[0].publish.multiplier"), "{e}");
    // Unknown keys and values are serde's, with the key named.
    match load_str("v.toml", &with("on_full = \"explode\"")) {
        Err(e) => assert!(e.to_string().contains("on_full"), "{e}"),
        Ok(_) => panic!("accepted on_full = explode"),
    }
    match load_str("v.toml", &with("bufer = 10")) {
        Err(e) => assert!(e.to_string().contains("bufer"), "{e}"),
        Ok(_) => panic!("accepted a misspelt key"),
    }
    // Only a queue refuses a publish.
    let topic = r#"
[[topic]]
name = "t"
[[producer]]
topic = "t"
rate = 1.0
[producer.publish]
buffer = 10
"#;
    let e = problems(topic);
    assert!(
        e.contains("producer[0].publish") && e.contains("queue"),
        "{e}"
    );
    load_str("v.toml", &with("on_full = \"crash\"\nbuffer = 5")).unwrap();
}

/// Every message of `src`'s refusal, schema errors included.
fn refusal(src: &str) -> String {
    match load_str("v.toml", src) {
        Ok(_) => panic!("accepted:\n{src}"),
        Err(ScenarioError::Invalid(ds)) => ds
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn pacing_first_requests_and_hedges_are_checked_at_their_keys() {
    let client = |extra: &str| {
        format!(
            "[[service]]\nname = \"s\"\nbase_s = 0.01\n[[record]]\nname = \"r\"\n[[client]]\nname = \"c\"\ntarget = \"s\"\n{extra}\n"
        )
    };
    let cases = [
        // Pacing.
        (
            "count = 5\npacing = \"from_start\"",
            "client[0].pacing",
            "paced from the start, but at what rate?",
        ),
        (
            "count = 5\npacing = \"from_start\"\nrate = 2\nthink_s = { dist = \"constant\", mean = 1 }",
            "client[0].think_s",
            "does not think after the end",
        ),
        (
            "count = 5\npacing = \"from_start\"\nrate = 0",
            "client[0].rate",
            "out of range",
        ),
        ("count = 5\nrate = 2", "client[0].rate", "not both"),
        (
            "count = 5\nstart_s = 10\nstop_s = 5",
            "client[0].stop_s",
            "the clients stop before they start",
        ),
        (
            "rate = 5\nstart_s = 10\nstop_s = 5",
            "client[0].stop_s",
            "the clients stop before they start",
        ),
        (
            "rate = 5\npacing = \"from_start\"",
            "client[0].pacing",
            "applies to closed-loop clients",
        ),
        (
            "count = 5\nrequests_each = 0",
            "client[0].requests_each",
            "0 requests",
        ),
        // The first request at the start.
        (
            "count = 5\nfirst_at_start = true",
            "client[0].first_at_start",
            "closed-loop clients send their first requests",
        ),
        // Hedges.
        (
            "rate = 5\n[client.hedge]\nmax_extra = 1",
            "client[0].hedge",
            "hedge after how long?",
        ),
        (
            "rate = 5\n[client.hedge]\nafter_s = 0.1\nafter_percentile = 95",
            "client[0].hedge.after_percentile",
            "two delays",
        ),
        (
            "rate = 5\n[client.hedge]\nafter_s = 0",
            "client[0].hedge.after_s",
            "out of range",
        ),
        (
            "rate = 5\ntimeout_s = 0.1\n[client.hedge]\nafter_s = 0.2",
            "client[0].hedge.after_s",
            "the attempt times out before its hedge goes out",
        ),
        (
            "rate = 5\n[client.hedge]\nafter_percentile = 100",
            "client[0].hedge.after_percentile",
            "out of range",
        ),
        (
            "rate = 5\n[client.hedge]\nafter_s = 0.1\nwarmup = 10",
            "client[0].hedge.warmup",
            "applies to `after_percentile`",
        ),
        (
            "rate = 5\n[client.hedge]\nafter_percentile = 95\nwarmup = 0",
            "client[0].hedge.warmup",
            "a percentile of no latencies",
        ),
        (
            "rate = 5\n[client.hedge]\nafter_s = 0.1\nmax_extra = 0",
            "client[0].hedge.max_extra",
            "0 extra copies",
        ),
        (
            "rate = 5\n[client.hedge]\nafter = 0.1",
            "client[0].hedge",
            "after",
        ),
    ];
    for (extra, key, what) in cases {
        let src = client(extra);
        let e = refusal(&src);
        assert!(e.contains(what) && e.contains(key), "{src}\n→ {e}");
    }
    let on_record = client("count = 2\n[client.hedge]\nafter_s = 0.1")
        .replace("target = \"s\"", "target = \"r\"");
    let e = refusal(&on_record);
    assert!(
        e.contains("client[0].hedge") && e.contains("a hedged copy would conflict"),
        "{e}"
    );
    let e = refusal("[[service]]\nname = \"s\"\nslope_s = 0.01\n");
    assert!(
        e.contains("service[0]") && e.contains("how long does a request take?"),
        "{e}"
    );
    // What is accepted: an open loop's first request at the start, a
    // producer's, a drawn service time, a percentile hedge with its warm-up.
    load_str(
        "v.toml",
        &client("rate = 5\nfirst_at_start = true\n[client.hedge]\nafter_percentile = 99\nwarmup = 50\nmax_extra = 2")
            .replace("base_s = 0.01", "service_s = { dist = \"pareto\", shape = 2, scale = 0.01 }"),
    )
    .unwrap();
    load_str("v.toml", &format!("{BASE}\nfirst_at_start = true\n")).unwrap();
}
