use crate::cli::ServeArgs;
use crate::pipeline;
use crate::serve::watch::{Rebuilder, Watch};
use crate::serve::{self, Shared, http};
use crate::urls::LinkStyle;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};

pub fn run(args: &ServeArgs) -> i32 {
    if let Err(e) = pipeline::parse_now(args.common.now.as_deref()) {
        eprintln!("fel: {e}");
        return 2;
    }
    if !args.common.root.join("data").is_dir() {
        eprintln!(
            "fel: {}: ingen data-mapp: är --root rätt?",
            args.common.root.join("data").display()
        );
        return 2;
    }
    let links = LinkStyle::from_base_path(Some(args.base_path.as_deref().unwrap_or("/")));
    let base = links.root(0);
    let shared = Shared::new(base.clone());

    let ip = args.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let listener = match TcpListener::bind(SocketAddr::new(ip, args.port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("fel: kan inte lyssna på {ip} port {}: {e}", args.port);
            eprintln!(
                "  tips: välj en annan port med --port, eller --port 0 för vilken ledig som helst"
            );
            return 2;
        }
    };
    if !ip.is_loopback() {
        eprintln!(
            "varning: servern lyssnar på {ip}, så andra datorer i nätverket kan läsa portalen. \
             `lovportal serve` är till för förhandsgranskning, inte för publicering."
        );
    }
    let url = match listener.local_addr() {
        Ok(a) => format!("{}{base}", http::url_of(a)),
        Err(_) => format!("http://{ip}:{}{base}", args.port),
    };

    // Watch before the first build, so no change made from now on is missed.
    let watch = match Watch::start(&args.common.root) {
        Ok(w) => Some(w),
        Err(e) => {
            eprintln!("varning: kan inte bevaka filerna ({e}); starta om servern efter ändringar");
            None
        }
    };
    let mut rebuilder = Rebuilder::new(
        args.common.root.clone(),
        links,
        args.common.now.clone(),
        args.common.quiet,
    );
    rebuilder.rebuild(&shared, &[]);
    if let Some(watch) = watch {
        let watch_shared = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("lovportal-watch".into())
            .spawn(move || watch.run(rebuilder, &watch_shared));
        if let Err(e) = spawned {
            eprintln!("varning: kan inte bevaka filerna ({e}); starta om servern efter ändringar");
        }
    }
    eprintln!(
        "Servern kör på {url} (Ctrl+C avslutar). Ändringar i content/, data/ och themes/ byggs om direkt."
    );
    if args.open {
        open_browser(&url);
    }
    http::serve(listener, move |req| serve::respond(&shared, req));
    0
}

fn open_browser(url: &str) {
    let (prog, pre): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let started = std::process::Command::new(prog)
        .args(pre)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if started.is_err() {
        eprintln!("varning: kunde inte öppna webbläsaren; öppna {url} själv");
    }
}
