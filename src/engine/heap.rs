//! A binary min-heap of events keyed by (time, insertion sequence). Ties in time
//! are broken by the sequence number, which makes the order total and the run
//! deterministic: the order events come out in depends on their keys alone,
//! never on how the heap lays them out.
//!
//! The loop takes the earliest event and, nearly always, schedules one or two
//! more while handling it. So taking an event leaves its entry at the root,
//! marked vacant, and the next push writes over it and sifts it down once:
//! one pass where a pop and a push take three (the pop's sift to the bottom
//! and back up, the push's sift up). An event that schedules nothing has its
//! root removed before the heap is next read.

use super::SimTime;

#[derive(Clone, Copy)]
struct Entry<E> {
    /// time << 64 | seq, so that a comparison is a single compare.
    key: u128,
    event: E,
}

impl<E> Entry<E> {
    fn time(&self) -> SimTime {
        (self.key >> 64) as SimTime
    }
}

pub struct EventHeap<E> {
    /// Min-heap order on `key`: each entry's key is below its children's.
    entries: Vec<Entry<E>>,
    /// `entries[0]` was taken and awaits the next push (or its removal).
    vacant_root: bool,
    seq: u64,
}

impl<E: Copy> Default for EventHeap<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventHeap<E> {
    pub fn new() -> Self {
        EventHeap {
            entries: Vec::new(),
            vacant_root: false,
            seq: 0,
        }
    }

    #[inline]
    pub fn push(&mut self, at: SimTime, event: E) {
        let entry = Entry {
            key: ((at as u128) << 64) | self.seq as u128,
            event,
        };
        self.seq += 1;
        if self.vacant_root {
            self.vacant_root = false;
            self.sift_down_from_root(entry);
        } else {
            self.entries.push(entry);
            self.sift_up_last(entry);
        }
    }

    /// Takes the earliest event. Its entry stays at the root until the next
    /// push overwrites it, or [`EventHeap::put_back`] keeps it.
    #[inline]
    pub fn take(&mut self) -> Option<(SimTime, E)> {
        self.remove_vacant_root();
        let root = *self.entries.first()?;
        self.vacant_root = true;
        Some((root.time(), root.event))
    }

    /// Undoes the last [`EventHeap::take`], if nothing was pushed since: the
    /// event is due again first.
    #[inline]
    pub fn put_back(&mut self) {
        self.vacant_root = false;
    }

    /// The earliest event's time.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        self.remove_vacant_root();
        self.entries.first().map(Entry::time)
    }

    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let taken = self.take();
        self.remove_vacant_root();
        taken
    }

    pub fn len(&self) -> usize {
        self.entries.len() - usize::from(self.vacant_root)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    fn remove_vacant_root(&mut self) {
        if self.vacant_root {
            self.vacant_root = false;
            let last = self.entries.pop().expect("a vacant root is an entry");
            if !self.entries.is_empty() {
                self.sift_down_from_root(last);
            }
        }
    }

    /// Puts `entry` in the root's place and moves it down past every smaller
    /// child; the children move up into the hole it leaves.
    #[inline]
    fn sift_down_from_root(&mut self, entry: Entry<E>) {
        let n = self.entries.len();
        let mut hole = 0;
        loop {
            let mut child = 2 * hole + 1;
            if child >= n {
                break;
            }
            if child + 1 < n && self.entries[child + 1].key < self.entries[child].key {
                child += 1;
            }
            if self.entries[child].key >= entry.key {
                break;
            }
            self.entries[hole] = self.entries[child];
            hole = child;
        }
        self.entries[hole] = entry;
    }

    /// Moves the last entry (`entry`) up past every larger parent.
    #[inline]
    fn sift_up_last(&mut self, entry: Entry<E>) {
        let mut hole = self.entries.len() - 1;
        while hole > 0 {
            let parent = (hole - 1) / 2;
            if self.entries[parent].key <= entry.key {
                break;
            }
            self.entries[hole] = self.entries[parent];
            hole = parent;
        }
        self.entries[hole] = entry;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A xorshift stream, for times with many ties.
    fn times(n: usize, mut state: u64) -> Vec<SimTime> {
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state % 50
            })
            .collect()
    }

    /// Takes, pushes and puts back in a random mix, and checks every event
    /// comes out in (time, push order) order, as a sorted list says.
    #[test]
    fn events_come_out_in_time_then_push_order() {
        let mut heap = EventHeap::new();
        let mut reference: Vec<(SimTime, u64)> = Vec::new();
        let mut next_id = 0u64;
        let mut out = Vec::new();
        let mut expected = Vec::new();
        let mut now = 0;
        for (i, t) in times(5000, 0x9e37_79b9_7f4a_7c15).into_iter().enumerate() {
            // Pushes never go into the past, as the scheduler's do not.
            let at = now + t;
            for _ in 0..(i % 3) {
                heap.push(at, next_id);
                reference.push((at, next_id));
                next_id += 1;
            }
            if i % 7 == 0 {
                heap.take();
                heap.put_back();
            }
            assert_eq!(heap.len(), reference.len());
            if let Some((t, id)) = heap.take() {
                now = t;
                out.push((t, id));
                // Stable: equal times keep push order.
                reference.sort_by_key(|&(t, _)| t);
                expected.push(reference.remove(0));
            }
        }
        while let Some(e) = heap.pop() {
            out.push(e);
            reference.sort_by_key(|&(t, _)| t);
            expected.push(reference.remove(0));
        }
        assert!(heap.is_empty() && reference.is_empty());
        assert_eq!(out.len(), expected.len());
        assert_eq!(out, expected);
    }

    #[test]
    fn put_back_keeps_the_taken_event_first() {
        let mut heap = EventHeap::new();
        heap.push(5, 'a');
        heap.push(3, 'b');
        assert_eq!(heap.take(), Some((3, 'b')));
        assert_eq!(heap.len(), 1);
        heap.put_back();
        assert_eq!(heap.len(), 2);
        assert_eq!(heap.peek_time(), Some(3));
        assert_eq!(heap.pop(), Some((3, 'b')));
        assert_eq!(heap.pop(), Some((5, 'a')));
        assert_eq!(heap.pop(), None);
    }
}
