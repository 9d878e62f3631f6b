//! `lovportal check --links` against a local HTTP server on 127.0.0.1 (tests never use
//! the network): dead links are warnings at the place the address is written.

#[path = "support/site.rs"]
mod site;

use site::TestSite;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// Answers `/ok` 200, `/borta` 404, `/bara-get` 405 to HEAD and 200 to GET, `/flyttad`
/// 301 to `/ok`.
fn link_target() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
            }
            let mut parts = line.split(' ');
            let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let head = match (method, path) {
                (_, "/ok") => "200 OK".to_string(),
                ("HEAD", "/bara-get") => "405 Method Not Allowed".into(),
                (_, "/bara-get") => "200 OK".into(),
                (_, "/flyttad") => {
                    format!("301 Moved Permanently\r\nLocation: http://127.0.0.1:{port}/ok")
                }
                _ => "404 Not Found".into(),
            };
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 {head}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    port
}

#[test]
fn check_links_reports_dead_external_links_as_warnings() {
    let port = link_target();
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let s = TestSite::copy("minimal");
    let base = format!("http://127.0.0.1:{port}");
    s.replace(
        "data/kommuner/testby.yaml",
        "https://e-tjanster.testby.se/behorighet",
        format!("{base}/ok"),
    );
    s.replace(
        "content/testby/behorighet.md",
        "| Steg | Vem |",
        format!(
            "Se [borta]({base}/borta), [get]({base}/bara-get), [flyttad]({base}/flyttad) \
             och [stängd](http://127.0.0.1:{closed}/).\n\n| Steg | Vem |"
        ),
    );
    // Without --links nothing is tried.
    let r = s.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("externa länken"), "{}", r.stderr);

    let r = s.run(&["check", "--links"]);
    assert_eq!(r.code, 0, "warnings only: {}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "content/testby/behorighet.md:15:12: varning: den externa länken {base}/borta svarar med HTTP-status 404"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "den externa länken http://127.0.0.1:{closed}/ svarar inte"
        )),
        "{}",
        r.stderr
    );
    for alive in ["/ok ", "/bara-get ", "/flyttad "] {
        assert!(
            !r.stderr.contains(&format!("{base}{alive}")),
            "{alive}: {}",
            r.stderr
        );
    }
    let r = s.run(&["check", "--links", "--deny-warnings"]);
    assert_eq!(r.code, 1);
}
