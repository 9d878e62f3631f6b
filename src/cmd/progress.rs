//! Progress on long builds: when stderr is a terminal and a build has run for more than a
//! second, a line counting the pages rendered so far is refreshed every half second.

use crate::render::PAGES_RENDERED;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    pub fn start() -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return Progress { stop, thread: None };
        }
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let began = Instant::now();
            let mut shown = false;
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                let t = began.elapsed();
                if t > Duration::from_secs(1) && t.as_millis() % 500 < 100 {
                    let n = PAGES_RENDERED.load(Ordering::Relaxed);
                    let _ = write!(
                        std::io::stderr().lock(),
                        "\r  … {n} sidor renderade efter {:.1} s",
                        t.as_secs_f64()
                    );
                    shown = true;
                }
            }
            if shown {
                let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            }
        });
        Progress {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
