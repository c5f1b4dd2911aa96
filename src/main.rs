//! The `trunktui` binary: arguments, configuration, then the dashboard or a headless command.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use trunktui::api::{ApiRevision, AuthScheme};
use trunktui::commands::{self, Exit};
use trunktui::config::{Overrides, RevisionSetting};
use trunktui::server::ServeAuth;

#[derive(Parser)]
#[command(
    name = "trunktui",
    version,
    about = "Keyboard-driven terminal dashboard for outbound SIP trunks (Twilio, Exotel)",
    after_help = "Without a command, opens the dashboard on the configured profile."
)]
struct Cli {
    #[command(flatten)]
    client: ClientFlags,

    /// Start a local trunk API with sample trunks on a free loopback port and open the
    /// dashboard on it: nothing else needs to be installed or configured.
    #[arg(long)]
    demo: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

/// Where and how to reach the trunk API. Accepted before the command and after it (after
/// wins); `serve` has its own flags instead.
#[derive(Args, Default)]
struct ClientFlags {
    /// Configuration file [default: the platform's config dir, see `trunktui config path`]
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Profile of the configuration file to use
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Base URL of the trunk API, e.g. http://localhost:8000
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// How the API key is sent: auto (read the server's /openapi.json), x-api-key or bearer
    #[arg(long, value_name = "SCHEME", value_parser = parse_scheme)]
    auth_scheme: Option<AuthScheme>,
    /// Which create call the server speaks: auto (read /openapi.json), v1 or v2
    #[arg(long, value_name = "REV", value_parser = parse_revision)]
    api_revision: Option<RevisionSetting>,
    /// Per-request timeout in seconds
    #[arg(long, value_name = "SECS")]
    timeout: Option<u64>,
}

impl ClientFlags {
    fn any(&self) -> bool {
        self.config.is_some()
            || self.profile.is_some()
            || self.base_url.is_some()
            || self.auth_scheme.is_some()
            || self.api_revision.is_some()
            || self.timeout.is_some()
    }

    /// These flags over `outer` (the ones given before the command).
    fn over(self, outer: &ClientFlags) -> Overrides {
        Overrides {
            config: self.config.or_else(|| outer.config.clone()),
            profile: self.profile.or_else(|| outer.profile.clone()),
            base_url: self.base_url.or_else(|| outer.base_url.clone()),
            auth_scheme: self.auth_scheme.or(outer.auth_scheme),
            api_revision: self.api_revision.or(outer.api_revision),
            timeout_secs: self.timeout.or(outer.timeout),
        }
    }
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
        #[command(flatten)]
        client: ClientFlags,
    },
    /// Create a trunk from a JSON file holding a create body (the document's flat body, or
    /// the later revision's with trunk_config); it is sent in the revision the server speaks
    Create {
        /// The request body as JSON; `-` reads stdin
        #[arg(long, short, value_name = "PATH")]
        file: PathBuf,
        /// Check the body with the API's rules and send nothing
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        client: ClientFlags,
    },
    /// Deactivate a trunk (a soft delete: it leaves the list)
    Deactivate {
        #[arg(value_name = "TRUNK_ID")]
        trunk_id: String,
        #[command(flatten)]
        client: ClientFlags,
    },
    /// Show or create the configuration file
    Config {
        #[command(subcommand)]
        action: ConfigAction,
        #[command(flatten)]
        client: ClientFlags,
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
    /// Which create call to speak: v1 (the document's flat body) or v2 (trunk_config)
    #[arg(long, default_value = "v1", value_parser = parse_serve_revision)]
    api_revision: ApiRevision,
    /// Which auth header to accept: x-api-key, bearer or both
    #[arg(long, default_value = "both", value_parser = parse_serve_auth)]
    auth_scheme: ServeAuth,
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
        .ok_or_else(|| format!("{s:?} is not an auth scheme: use auto, x-api-key or bearer"))
}

fn parse_revision(s: &str) -> Result<RevisionSetting, String> {
    RevisionSetting::parse(s)
        .ok_or_else(|| format!("{s:?} is not an API revision: use auto, v1 or v2"))
}

fn parse_serve_revision(s: &str) -> Result<ApiRevision, String> {
    ApiRevision::parse(s).ok_or_else(|| format!("{s:?} is not an API revision: use v1 or v2"))
}

fn parse_serve_auth(s: &str) -> Result<ServeAuth, String> {
    ServeAuth::parse(s)
        .ok_or_else(|| format!("{s:?} is not an auth scheme: use x-api-key, bearer or both"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Flags that would be silently ignored are refused, so nothing surprises.
    if cli.demo && cli.command.is_some() {
        commands::say(
            "trunktui: --demo opens the dashboard on a built-in server; it does not go with a command",
        );
        return Exit::Usage.into();
    }
    if matches!(cli.command, Some(Command::Serve(_))) && cli.client.any() {
        commands::say(
            "trunktui: serve takes its own flags (see trunktui serve --help); --config, --profile, --base-url, --auth-scheme, --api-revision and --timeout are for the client",
        );
        return Exit::Usage.into();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            commands::say(&format!("trunktui: cannot start the async runtime: {e}"));
            return Exit::Internal.into();
        }
    };
    let exit = runtime.block_on(async move {
        match cli.command {
            Some(Command::Serve(a)) => {
                commands::serve(trunktui::server::ServeOptions {
                    addr: a.addr,
                    api_keys: a.api_keys,
                    data: a.data,
                    demo_data: a.demo_data,
                    revision: a.api_revision,
                    auth: a.auth_scheme,
                })
                .await
            }
            Some(Command::List { json, client }) => {
                commands::list(&client.over(&cli.client), json).await
            }
            Some(Command::Create {
                file,
                dry_run,
                client,
            }) => commands::create(&client.over(&cli.client), &file, dry_run).await,
            Some(Command::Deactivate { trunk_id, client }) => {
                commands::deactivate(&client.over(&cli.client), &trunk_id).await
            }
            Some(Command::Config { action, client }) => {
                let flags = client.over(&cli.client);
                match action {
                    ConfigAction::Path => commands::config_path(&flags),
                    ConfigAction::Init => commands::config_init(&flags),
                }
            }
            None => commands::dashboard(&ClientFlags::default().over(&cli.client), cli.demo).await,
        }
    });
    // Requests still in flight must not hold up the exit.
    runtime.shutdown_background();
    exit.into()
}
