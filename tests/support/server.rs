//! Runs `lovportal serve` on a fixture copy and talks raw HTTP to it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `lovportal serve`, killed on drop (also when a test panics).
pub struct Server {
    child: Child,
    pub port: u16,
    /// Everything the server printed to stderr so far.
    pub log: Arc<Mutex<String>>,
}

/// One HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// Header lines, names lower-cased: `content-type: text/html`.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Server {
    /// Starts `lovportal serve --root <root> --port 0 <extra>` and waits for its address.
    pub fn start(root: &std::path::Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lovportal"))
            .args([
                "serve",
                "--port",
                "0",
                "--now",
                "2026-11-23T10:00",
                "--root",
            ])
            .arg(root)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start lovportal serve");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = channel::<u16>();
        let log2 = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                // Log the line before announcing the port, so a test that reads the
                // log as soon as the server is up sees it.
                {
                    let mut l = log2.lock().unwrap();
                    l.push_str(&line);
                    l.push('\n');
                }
                if let Some(rest) = line.strip_prefix("Servern kör på http://") {
                    let host_port = rest.split('/').next().unwrap_or("");
                    let port = host_port.rsplit(':').next().unwrap_or("");
                    let _ = tx.send(port.parse().unwrap_or(0));
                }
            }
        });
        let mut server = Server {
            child,
            port: 0,
            log,
        };
        server.port = wait_port(&rx, &server);
        server
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits (up to 5 s) until the log satisfies `pred`, and returns it: a page may be
    /// served a moment before its rebuild's line reaches us.
    pub fn wait_log(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let log = self.log();
            if pred(&log) {
                return log;
            }
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "{what}: not in the server log within 5 s\n{log}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// GET `path`.
    pub fn get(&self, path: &str) -> Reply {
        self.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        ))
        .unwrap_or_else(|e| panic!("GET {path}: {e}\n--- server log ---\n{}", self.log()))
    }

    /// Sends `raw` as is and reads the response until the server closes.
    pub fn request(&self, raw: &str) -> std::io::Result<Reply> {
        self.raw(raw.as_bytes(), false)
    }

    /// Sends bytes, optionally closes the sending side, and reads the whole response.
    pub fn raw(&self, bytes: &[u8], shutdown_write: bool) -> std::io::Result<Reply> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_read_timeout(Some(Duration::from_secs(15)))?;
        s.write_all(bytes)?;
        if shutdown_write {
            s.shutdown(Shutdown::Write)?;
        }
        let mut buf = Vec::new();
        s.read_to_end(&mut buf)?;
        parse(&buf).ok_or_else(|| {
            std::io::Error::other(format!(
                "not an HTTP response: {:?}",
                String::from_utf8_lossy(&buf)
            ))
        })
    }

    /// Polls `path` until `pred` holds for the body; returns the reply and how long it
    /// took, or panics after `limit`.
    pub fn wait_for(
        &self,
        path: &str,
        limit: Duration,
        pred: impl Fn(&Reply) -> bool,
    ) -> (Reply, Duration) {
        let start = Instant::now();
        loop {
            let r = self.get(path);
            if pred(&r) {
                return (r, start.elapsed());
            }
            if start.elapsed() > limit {
                panic!(
                    "{path}: condition not met within {limit:?}; last reply {} {}\n--- server log ---\n{}",
                    r.status,
                    r.body,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

fn wait_port(rx: &Receiver<u16>, server: &Server) -> u16 {
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(p) if p != 0 => p,
        _ => panic!("serve printed no address\n{}", server.log()),
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse(buf: &[u8]) -> Option<Reply> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&buf[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some(Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&buf[end + 4..]).into_owned(),
    })
}
