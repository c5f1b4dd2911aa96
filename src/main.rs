//! The `trunktui` binary: arguments, configuration, then the dashboard or a headless command.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use trunktui::api::AuthScheme;
use trunktui::commands::{self, Exit};
use trunktui::config::Overrides;

#[derive(Parser)]
#[command(
    name = "trunktui",
    version,
    about = "Keyboard-driven terminal dashboard for outbound SIP trunks (Twilio, Exotel)",
    after_help = "Without a command, opens the dashboard on the configured profile."
)]
struct Cli {
    #[command(flatten)]
    global: GlobalFlags,

    /// Start a local trunk API with sample trunks on a free loopback port and open the
    /// dashboard on it: nothing else needs to be installed or configured.
    #[arg(long)]
    demo: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Args)]
struct GlobalFlags {
    /// Configuration file [default: the platform's config dir, see `trunktui config path`]
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Profile of the configuration file to use
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,
    /// Base URL of the trunk API, e.g. http://localhost:8000
    #[arg(long, global = true, value_name = "URL")]
    base_url: Option<String>,
    /// How the API key is sent
    #[arg(long, global = true, value_name = "SCHEME", value_parser = parse_scheme)]
    auth_scheme: Option<AuthScheme>,
    /// Per-request timeout in seconds
    #[arg(long, global = true, value_name = "SECS")]
    timeout: Option<u64>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the local trunk API (the contract of the user's document) on loopback
    Serve(ServeArgs),
    /// Print the trunks of the profile: a table, or JSON with --json
    List {
        /// Print the trunks as a JSON array on stdout
        #[arg(long)]
        json: bool,
    },
    /// Create a trunk from a JSON file holding the document's request body
    Create {
        /// The request body as JSON; `-` reads stdin
        #[arg(long, short, value_name = "PATH")]
        file: PathBuf,
        /// Check the body with the API's rules and send nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Deactivate a trunk (a soft delete: it leaves the list)
    Deactivate {
        #[arg(value_name = "TRUNK_ID")]
        trunk_id: String,
    },
    /// Show or create the configuration file
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on; loopback unless you say otherwise
    #[arg(long, default_value = "127.0.0.1:8000")]
    addr: SocketAddr,
    /// An API key to accept (repeatable; each key is a separate user). Without one, a key is
    /// generated and printed once on stderr.
    #[arg(long = "api-key", value_name = "KEY")]
    api_keys: Vec<String>,
    /// Keep trunks in this file (written atomically) instead of in memory
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// Seed realistic sample trunks of both providers for the first key
    #[arg(long)]
    demo_data: bool,
}

#[derive(Subcommand)]
enum ConfigAction {
    /// Print where the configuration file is looked for
    Path,
    /// Write the commented example configuration there (mode 0600; never overwrites)
    Init,
}

fn parse_scheme(s: &str) -> Result<AuthScheme, String> {
    AuthScheme::parse(s)
        .ok_or_else(|| format!("{s:?} is not an auth scheme: use x-api-key or bearer"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("trunktui: cannot start the async runtime: {e}");
            return Exit::Internal.into();
        }
    };
    let flags = Overrides {
        config: cli.global.config,
        profile: cli.global.profile,
        base_url: cli.global.base_url,
        auth_scheme: cli.global.auth_scheme,
        timeout_secs: cli.global.timeout,
    };
    let exit = runtime.block_on(async move {
        match cli.command {
            Some(Command::Serve(a)) => {
                commands::serve(trunktui::server::ServeOptions {
                    addr: a.addr,
                    api_keys: a.api_keys,
                    data: a.data,
                    demo_data: a.demo_data,
                    revision: trunktui::api::ApiRevision::V1,
                    auth: trunktui::server::ServeAuth::Both,
                })
                .await
            }
            Some(Command::List { json }) => commands::list(&flags, json).await,
            Some(Command::Create { file, dry_run }) => {
                commands::create(&flags, &file, dry_run).await
            }
            Some(Command::Deactivate { trunk_id }) => commands::deactivate(&flags, &trunk_id).await,
            Some(Command::Config {
                action: ConfigAction::Path,
            }) => commands::config_path(&flags),
            Some(Command::Config {
                action: ConfigAction::Init,
            }) => commands::config_init(&flags),
            None => commands::dashboard(&flags, cli.demo).await,
        }
    });
    // Requests still in flight must not hold up the exit.
    runtime.shutdown_background();
    exit.into()
}
