//! Time in a queue, message by message, for Little's law (L = λ·W): the
//! messages that entered the queue after the statistics were last reset (the
//! end of warm-up), and how long each stayed — from entering (published,
//! dead-lettered into it, redriven back) to leaving (deleted, dead-lettered,
//! expired, dropped, redriven away). "In the queue" is every state the queue
//! counts (visible, in flight, delayed), so that W matches the number the
//! time series samples as visible + in_flight + delayed; messages still there
//! at the end are added by `Queue::sojourn_at_end`.

use crate::engine::{SimTime, to_secs};
use crate::model::message::{Arena, State};
use crate::model::queue::Queue;

#[derive(Clone, Debug, Default)]
pub struct Sojourn {
    /// Start of the measured window.
    pub since: SimTime,
    /// Measured messages that left.
    pub left: u64,
    /// Their total time in the queue, in simulated ticks (exact: no rounding).
    pub total: u128,
}

impl Sojourn {
    pub fn since(now: SimTime) -> Sojourn {
        Sojourn {
            since: now,
            ..Sojourn::default()
        }
    }

    /// A message leaves the queue at `now`.
    #[inline]
    pub fn left(&mut self, entered: SimTime, now: SimTime) {
        if entered >= self.since {
            self.left += 1;
            self.total += u128::from(now.saturating_sub(entered));
        }
    }
}

/// The measured window's messages, at its end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SojournTotals {
    /// Messages that entered the queue in the window.
    pub entered: u64,
    /// Their mean time in the queue, those still there counted up to the end
    /// (None without a message).
    pub mean_s: Option<f64>,
}

impl Queue {
    /// A message leaves the queue at `now` (deleted, dead-lettered, expired,
    /// dropped, moved away): its time here, and its bytes.
    #[inline]
    pub(super) fn leave(&mut self, arena: &Arena, slot: u32, now: SimTime) {
        self.sojourn.left(arena.entered(slot), now);
        let m = arena.get(slot);
        self.bytes_held -= u64::from(m.size);
        if let Some(n) = &self.node {
            n.sub(u64::from(m.size), now);
        }
    }

    /// The window's messages at `end`: those that left, and those still in
    /// the queue with their time so far.
    pub fn sojourn_at_end(&self, arena: &Arena, end: SimTime) -> SojournTotals {
        let mut s = self.sojourn.clone();
        for (slot, _) in arena.iter_live_slots().filter(|(_, m)| {
            m.queue == self.id.0
                && matches!(m.state, State::Visible | State::InFlight | State::Delayed)
        }) {
            s.left(arena.entered(slot), end);
        }
        SojournTotals {
            entered: s.left,
            mean_s: (s.left > 0).then(|| to_secs(1) * s.total as f64 / s.left as f64),
        }
    }
}
