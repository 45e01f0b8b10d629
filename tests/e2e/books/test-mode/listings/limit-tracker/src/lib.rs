pub trait Messenger {
    fn send(&self, msg: &str);
}

// ANCHOR: tracker
pub struct LimitTracker<'a, T: Messenger> {
    messenger: &'a T,
    value: usize,
    max: usize,
}

impl<'a, T> LimitTracker<'a, T>
where
    T: Messenger,
{
    pub fn new(messenger: &'a T, max: usize) -> LimitTracker<'a, T> {
        LimitTracker { messenger, value: 0, max }
    }

    pub fn set_value(&mut self, value: usize) {
        self.value = value;
        if self.value * 4 >= self.max * 3 {
            self.messenger.send("Warning: over 75% of your quota");
        }
    }
}
// ANCHOR_END: tracker

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    struct MockMessenger {
        sent: RefCell<Vec<String>>,
    }

    impl MockMessenger {
        fn new() -> MockMessenger {
            MockMessenger { sent: RefCell::new(vec![]) }
        }
    }

    // ANCHOR: here
    impl Messenger for MockMessenger {
        fn send(&self, message: &str) {
            let mut first = self.sent.borrow_mut();
            let mut second = self.sent.borrow_mut();
            first.push(String::from(message));
            second.push(String::from(message));
        }
    }
    // ANCHOR_END: here

    #[test]
    fn warns_over_75_percent() {
        let messenger = MockMessenger::new();
        let mut tracker = LimitTracker::new(&messenger, 100);
        tracker.set_value(80);
        assert_eq!(messenger.sent.borrow().len(), 1);
    }
}
