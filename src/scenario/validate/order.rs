//! `order_matters` on a consumer: it needs keyed messages, since order is
//! judged per key (`model/consumer/key_order.rs`).

use super::{Checker, KeyPath};
use crate::model::keyed::keyed_input;
use crate::scenario::{ConsumerConfig, Scenario};

pub(super) fn check(c: &mut Checker, p: &KeyPath, co: &ConsumerConfig, s: &Scenario) {
    if co.order_matters && !keyed_input(s, co) {
        c.fail(
            p.key("order_matters"),
            "order is judged per key, and no producer that reaches this consumer draws keys",
            "keyed messages (`message = { keys = N }` on the producer), or no `order_matters`",
        );
    }
}
