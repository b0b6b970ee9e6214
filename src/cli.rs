//! The command line. `main.rs` only calls `cli::main`; every command calls the library.

use std::{
    io::{BufRead, IsTerminal, Write},
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Arc,
};

use clap::{Args, Parser, Subcommand};

use crate::{
    access::{Language, Role, users},
    app::{App, OpenOptions},
    clock::{Clock, SystemClock},
    error::Error,
    search::{SearchIndex, indexer},
    store::Store,
};

#[derive(Parser)]
#[command(
    name = "korobka",
    version,
    about = "Korobka: a CRM for small offices in one binary"
)]
struct Cli {
    /// The data folder (created if missing).
    #[arg(
        long,
        global = true,
        env = "KOROBKA_DATA",
        default_value = "./korobka-data"
    )]
    data: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the API (the default command).
    Serve(ServeArgs),
    /// Write a backup archive (works while the server runs). Without FILE it goes into
    /// <data>/backups/.
    Backup {
        /// The zip file to write.
        file: Option<PathBuf>,
    },
    /// Replace the data with a backup archive, after verifying all of it (stop the server first).
    Restore {
        /// The zip file to restore.
        file: PathBuf,
    },
    /// Manage users from the console (works while the server runs).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Rebuild the search index from the store (stop the server first).
    Reindex,
    /// Check that the store is readable and consistent and the index matches it.
    Check,
    /// Fill an empty data folder with a realistic small office.
    Demo {
        /// How many companies to create.
        #[arg(long, default_value_t = 300)]
        companies: usize,
        /// How many contacts to create.
        #[arg(long, default_value_t = 700)]
        contacts: usize,
        /// How many deals to create (over three pipelines, in four currencies).
        #[arg(long, default_value_t = 240)]
        deals: usize,
        /// How many leads to create.
        #[arg(long, default_value_t = 40)]
        leads: usize,
        /// Random seed: the same seed gives the same office.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Print the version.
    Version,
}

/// The options of `korobka serve`. Their defaults and environment variables are declared here
/// only: a bare `korobka` gets them from clap too ([`ServeArgs::implied`]).
#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "KOROBKA_LISTEN", default_value = "0.0.0.0:8080")]
    listen: String,
    /// Fill an empty data folder with a demo office first.
    #[arg(long)]
    demo: bool,
    #[command(flatten)]
    backup: crate::io::cli::ScheduleArgs,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key. Cookies become Secure.
    #[arg(long, env = "KOROBKA_TLS_CERT")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, env = "KOROBKA_TLS_KEY")]
    tls_key: Option<PathBuf>,
}

/// `serve` with nothing on the command line, to read the declared defaults and environment.
#[derive(Parser)]
#[command(name = "korobka")]
struct ImpliedServe {
    #[command(flatten)]
    serve: ServeArgs,
}

impl ServeArgs {
    /// The options of a bare `korobka`: the declared defaults, overridden by the environment.
    /// A malformed environment variable stops the program as it would for `korobka serve`.
    fn implied() -> ServeArgs {
        ImpliedServe::parse_from(["korobka"]).serve
    }
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        login: String,
        /// Full name (defaults to the login).
        #[arg(long)]
        name: Option<String>,
        #[arg(long, default_value = "")]
        email: String,
        /// Make the user an administrator.
        #[arg(long)]
        admin: bool,
        /// Interface language: uk, ru or en.
        #[arg(long, default_value = "uk")]
        language: String,
    },
    /// Set a user's password (read from standard input).
    Passwd { login: String },
}

fn read_password(prompt: &str) -> Result<String, Error> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::BadRequest(format!("read password: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KOROBKA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tantivy=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let command = cli
        .command
        .unwrap_or_else(|| Command::Serve(ServeArgs::implied()));
    let result = match command {
        Command::Serve(ServeArgs {
            listen,
            demo,
            backup,
            tls_cert,
            tls_key,
        }) => tls_files(tls_cert, tls_key).and_then(|tls| {
            backup
                .schedule()
                .and_then(|s| serve(&cli.data, &listen, demo, s, tls))
        }),
        Command::Backup { file } => crate::io::cli::backup(&cli.data, file.as_deref()),
        Command::Restore { file } => crate::io::cli::restore(&cli.data, &file),
        Command::User { command } => user(&cli.data, command),
        Command::Reindex => reindex(&cli.data),
        Command::Check => check(&cli.data),
        Command::Demo {
            companies,
            contacts,
            deals,
            leads,
            seed,
        } => demo(
            &cli.data,
            crate::demo::Scale {
                companies,
                contacts,
                deals,
                leads,
                seed,
            },
        ),
        Command::Version => {
            println!("korobka {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("korobka: {e}");
            ExitCode::FAILURE
        }
    }
}

fn demo(data: &Path, scale: crate::demo::Scale) -> Result<(), Error> {
    let app = App::open(data, OpenOptions::default())?;
    let summary = crate::demo::fill(&app.store, app.now(), &scale)?;
    indexer::catch_up(&app.store, &app.index, &crate::crm::search_docs::DOCUMENTS)?;
    println!("{summary}");
    Ok(())
}

/// A PEM certificate chain and its private key.
type TlsPem = (Vec<u8>, Vec<u8>);

/// The certificate and key, read now so a wrong path fails before anything starts.
fn tls_files(cert: Option<PathBuf>, key: Option<PathBuf>) -> Result<Option<TlsPem>, Error> {
    let read = |p: &Path, what: &str| {
        std::fs::read(p)
            .map_err(|e| Error::BadRequest(format!("read the TLS {what} {}: {e}", p.display())))
    };
    match (cert, key) {
        (None, None) => Ok(None),
        (Some(c), Some(k)) => Ok(Some((read(&c, "certificate")?, read(&k, "key")?))),
        _ => Err(Error::BadRequest(
            "HTTPS needs both --tls-cert and --tls-key".into(),
        )),
    }
}

fn serve(
    data: &Path,
    listen: &str,
    demo: bool,
    schedule: crate::io::backups::Schedule,
    tls: Option<TlsPem>,
) -> Result<(), Error> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("start runtime: {e}")))?;
    rt.block_on(async {
        let opts = OpenOptions {
            clock: Arc::new(SystemClock),
            setup_token: std::env::var("KOROBKA_SETUP_TOKEN")
                .ok()
                .filter(|t| !t.is_empty()),
        };
        let data = data.to_path_buf();
        let app = tokio::task::spawn_blocking(move || App::open(&data, opts))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??;
        app.backups.set_schedule(schedule);
        let mut app = app;
        app.secure_cookies = tls.is_some();
        let app = Arc::new(app);
        if demo {
            let a = app.clone();
            let summary = tokio::task::spawn_blocking(move || {
                crate::demo::fill(&a.store, a.now(), &crate::demo::Scale::default())
            })
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
            match summary {
                Ok(s) => println!("{s}"),
                Err(Error::Conflict(why)) => println!("demo skipped: {why}"),
                Err(e) => return Err(e),
            }
        }
        use poem::listener::{Acceptor, AcceptorExt, Listener, RustlsCertificate, RustlsConfig};
        let listener = poem::listener::TcpListener::bind(listen.to_string());
        let scheme = if tls.is_some() { "https" } else { "http" };
        let acceptor = match tls {
            None => listener.into_acceptor().await.map(|a| a.boxed()),
            Some((cert, key)) => listener
                .rustls(RustlsConfig::new().fallback(RustlsCertificate::new().cert(cert).key(key)))
                .into_acceptor()
                .await
                .map(|a| a.boxed()),
        }
        .map_err(|e| Error::BadRequest(format!("listen on {listen}: {e}")))?;
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().map(|s| s.port()))
            .unwrap_or(8080);
        println!(
            "Korobka {} is serving {}",
            env!("CARGO_PKG_VERSION"),
            app.data_dir.display()
        );
        println!("Open {scheme}://localhost:{port}/ in a browser (or this machine's LAN address).");
        if crate::access::auth::setup_required(&app.store)? {
            println!();
            println!("First run: create the administrator at {scheme}://localhost:{port}/setup");
            println!("One-time setup token: {}", app.setup_token);
            println!();
        }
        let _ = std::io::stdout().flush();
        crate::http::serve_acceptor(app, acceptor, shutdown_signal())
            .await
            .map_err(|e| Error::Internal(format!("server: {e}")))?;
        tracing::info!("stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down: finishing running requests");
}

fn user(data: &Path, cmd: UserCommand) -> Result<(), Error> {
    let store = Store::open(&crate::paths::db(data))?;
    crate::app::install_handlers(&store);
    let now = SystemClock.now();
    match cmd {
        UserCommand::Add {
            login,
            name,
            email,
            admin,
            language,
        } => {
            let language = match language.as_str() {
                "uk" => Language::Uk,
                "ru" => Language::Ru,
                "en" => Language::En,
                other => {
                    return Err(Error::BadRequest(format!(
                        "language {other:?}: use uk, ru or en"
                    )));
                }
            };
            let password = read_password("Password: ")?;
            let u = store.write(None, now, |tx| {
                users::create(
                    tx,
                    None,
                    users::NewUser {
                        name: name.unwrap_or_else(|| login.clone()),
                        login,
                        email,
                        password,
                        role: if admin { Role::Admin } else { Role::User },
                        department_id: None,
                        position: String::new(),
                        language,
                        time_zone: users::default_tz(),
                    },
                )
            });
            let u = u.map_err(explain)?;
            println!("added user {} (id {}, {:?})", u.login, u.id, u.role);
        }
        UserCommand::Passwd { login } => {
            let Some(u) = store.read(|rx| users::find_by_login(rx, &login))? else {
                return Err(Error::BadRequest(format!("no user with login {login:?}")));
            };
            let password = read_password("New password: ")?;
            store
                .write(None, now, |tx| users::set_password(tx, u.id, &password))
                .map_err(explain)?;
            println!("password of {} changed", u.login);
        }
    }
    Ok(())
}

/// Validation errors read well on a console too.
fn explain(e: Error) -> Error {
    match e {
        Error::Validation(f) => Error::BadRequest(
            f.iter()
                .map(|f| format!("{} {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        e => e,
    }
}

fn reindex(data: &Path) -> Result<(), Error> {
    let store = Store::open(&crate::paths::db(data))?;
    let (index, _) = SearchIndex::open(&crate::paths::index(data)).map_err(|e| {
        Error::Search(format!(
            "{e} (is the server running? stop it first: it rebuilds a broken index by itself at start)"
        ))
    })?;
    let started = std::time::Instant::now();
    let n = indexer::reindex(&store, &index, &crate::crm::search_docs::DOCUMENTS)?;
    println!(
        "search index rebuilt: {n} documents in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn check(data: &Path) -> Result<(), Error> {
    if !crate::paths::db(data).exists() {
        return Err(Error::BadRequest(format!(
            "{} holds no Korobka data",
            data.display()
        )));
    }
    let rep = crate::check::run(data)?;
    for l in &rep.lines {
        println!("{l}");
    }
    if rep.ok() {
        println!("OK: the store is consistent and the search index matches it");
        Ok(())
    } else {
        for p in &rep.problems {
            println!("PROBLEM: {p}");
        }
        Err(Error::Storage(format!(
            "{} problems found",
            rep.problems.len()
        )))
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn serve_of(args: &[&str]) -> ServeArgs {
        match Cli::try_parse_from(args).map(|c| c.command) {
            Ok(Some(Command::Serve(s))) => s,
            _ => panic!("{args:?} is not serve"),
        }
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
        ImpliedServe::command().debug_assert();
    }

    /// A bare `korobka` serves with exactly the options `korobka serve` gets by default, both
    /// read from the one declaration (and the same environment).
    #[test]
    fn a_bare_korobka_serves_with_the_declared_defaults() {
        let bare = ServeArgs::implied();
        let serve = serve_of(&["korobka", "serve"]);
        assert_eq!(bare.listen, serve.listen);
        assert_eq!(bare.demo, serve.demo);
        assert_eq!(bare.backup.backup_at, serve.backup.backup_at);
        assert_eq!(bare.backup.backup_keep, serve.backup.backup_keep);
        assert_eq!(bare.tls_cert, serve.tls_cert);
        assert_eq!(bare.tls_key, serve.tls_key);
        let given = serve_of(&["korobka", "serve", "--listen", "127.0.0.1:9", "--demo"]);
        assert_eq!((given.listen.as_str(), given.demo), ("127.0.0.1:9", true));
        assert!(Cli::try_parse_from(["korobka"]).is_ok_and(|c| c.command.is_none()));
    }
}
