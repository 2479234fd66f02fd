//! `order_matters` on a consumer: it needs keyed messages, since order is
//! judged per key (`model/consumer/key_order.rs`).

use super::{Checker, KeyPath};
use crate::model::keyed::KeyedNodes;
use crate::scenario::{ConsumerConfig, Scenario};

/// `keyed` is the scenario's walk, made once, when a consumer first asks.
pub(super) fn check<'a>(
    c: &mut Checker,
    p: &KeyPath,
    co: &'a ConsumerConfig,
    s: &'a Scenario,
    keyed: &mut Option<KeyedNodes<'a>>,
) {
    if !co.order_matters {
        return;
    }
    let keyed = keyed.get_or_insert_with(|| KeyedNodes::of(s));
    if keyed.input_parts(co).is_none() {
        c.fail(
            p.key("order_matters"),
            "order is judged per key, and no producer that reaches this consumer draws keys",
            "keyed messages (`message = { keys = N }` on the producer), or no `order_matters`",
        );
    }
}
