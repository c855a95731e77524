//! `tuquan`: the Tự Quản server and its administration commands.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

mod commands;
mod config;
mod delivery;
mod seed;
mod seed_action_items;
mod seed_announcements;
mod seed_beats;
mod seed_consultations;
mod seed_feedback;
mod seed_groups;
mod seed_meetings;
mod seed_restructuring;
mod seed_votes;
mod synthetic;

use config::Config;

/// mimalloc rather than the system allocator: see docs/benchmarks.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tuquan",
    version,
    about = "Tự Quản: neighbourhood self-management platform"
)]
struct Cli {
    /// A TOML configuration file (see README for the keys).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where the SQLite database lives when TUQUAN_DATABASE_URL is not set [default: ./data].
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (loads the territory on an empty store).
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080]; port 0 picks a free port.
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        /// Load the demo neighbourhood first (does nothing if it is already there).
        #[arg(long)]
        demo: bool,
        /// Send e-mail to this SMTP server, plain and without sign-in (sets
        /// `[delivery.smtp]`), e.g. 127.0.0.1:2525 for `python3 -m aiosmtpd -n -l
        /// 127.0.0.1:2525`; with --demo the demo's officials and heads get addresses.
        #[arg(long, value_name = "HOST:PORT")]
        smtp: Option<String>,
    },
    /// Apply the database migrations embedded in this binary.
    Migrate,
    /// Import data from a file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Load prepared data.
    #[command(subcommand)]
    Seed(SeedCommand),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Manage the territory tree.
    #[command(subcommand)]
    Territory(TerritoryCommand),
    /// The permission table.
    #[command(subcommand)]
    Access(AccessCommand),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Settings of groups, positions and terms.
    #[command(subcommand)]
    Groups(GroupsCommand),
    /// Measure the product on a synthetic data set (docs/benchmarks.md).
    Bench(commands::bench::BenchArgs),
    /// Resident feedback housekeeping.
    #[command(subcommand)]
    Feedback(FeedbackCommand),
    /// A consistent copy of the SQLite database and the identity key, while serving.
    Backup(commands::backup::BackupArgs),
    /// Put a backup made by `tuquan backup` in place (docs/security.md).
    Restore(commands::backup::RestoreArgs),
    /// The outbox of messages (e-mail, SMS, in-app).
    #[command(subcommand)]
    Outbox(delivery::OutboxCommand),
    /// Action items (docs/action-items.md).
    #[command(subcommand)]
    ActionItems(ActionItemsCommand),
}

#[derive(Subcommand)]
enum ActionItemsCommand {
    /// Flag overdue action items to their owners and the unit heads once, as `serve` does
    /// every minute (each item at most once a day).
    RunJobs,
}

#[derive(Subcommand)]
enum FeedbackCommand {
    /// Escalate overdue items and send due reminders once, as `serve` does every minute.
    RunJobs,
}

#[derive(Subcommand)]
enum GroupsCommand {
    /// Show or set a province's term of office: `tuquan groups term-years 79 2.5`.
    TermYears {
        /// A province code, e.g. 79.
        code: String,
        /// 2.5 or 5 (years); omit to show the current setting.
        years: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account with one grant. The first system administrator is made this way:
    /// `echo 'a long password' | tuquan user add --username admin --role system_admin --password-stdin`
    Add {
        /// A login name (a-z, 0-9, . _ -) or a phone number.
        #[arg(long)]
        username: String,
        /// system_admin, province_official, commune_official, commune_police,
        /// front_committee, unit_head, deputy_head, group_leader, group_member, area_police,
        /// resident.
        #[arg(long)]
        role: String,
        /// The unit the grant covers (with everything below); omit for system_admin.
        #[arg(long)]
        unit: Option<String>,
        /// Shown in the product [default: the username].
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from standard input (one line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Link an account to the resident record it belongs to, so the resident can download
    /// their own data and ask for its erasure.
    LinkResident {
        #[arg(long)]
        username: String,
        /// The resident's id (shown in the address of their page: /residents/ID).
        #[arg(long)]
        resident: i64,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token acting with the user's grants; prints it once.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum AccessCommand {
    /// Print which role may do which action, as Markdown (the source of docs/access.md).
    Table,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Provinces and communes in the vn-divisions JSON format (idempotent).
    Divisions { file: PathBuf },
}

#[derive(Subcommand)]
enum SeedCommand {
    /// A believable demo: Phường Bến Thành with its khu phố and households.
    Demo,
    /// Deterministic synthetic data at scale, into a fresh database (docs/benchmarks.md).
    Synthetic(commands::bench::SyntheticArgs),
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print the effective configuration, secrets redacted.
    Show,
}

#[derive(Subcommand)]
enum TerritoryCommand {
    /// Show which residential unit kinds may sit at each level below a commune.
    SchemeShow { code: String },
    /// Set the levels below the communes of a province or of one commune, e.g.
    /// `khu_pho,ap` (one level) or `khu_pho,ap;to_nhan_dan_tu_quan` (two levels).
    SchemeSet { code: String, levels: String },
    /// Add a residential unit below a commune or another residential unit.
    AddUnit {
        #[arg(long)]
        parent: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        kind: String,
        /// YYYY-MM-DD [default: today]
        #[arg(long)]
        valid_from: Option<String>,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match start(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One readable line with its causes, no backtrace: operators read this.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn start(cli: Cli) -> anyhow::Result<()> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Command::Serve {
        smtp: Some(server), ..
    } = &cli.command
    {
        config.delivery.smtp = Some(config::local_smtp(server)?);
    }
    if let Some(dir) = cli.data_dir {
        config.data_dir = dir;
    }
    if let Command::Serve {
        listen: Some(addr), ..
    } = &cli.command
    {
        config.listen = *addr;
    }
    init_tracing(&config.log);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run(cli.command, config))
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    // These need no database: `config show` must work to diagnose one that does not.
    match command {
        Command::Config(ConfigCommand::Show) => {
            print!("{}", config.show());
            return Ok(());
        }
        Command::Access(AccessCommand::Table) => {
            print!("{}", tuquan_domain::access::markdown_table());
            return Ok(());
        }
        // The benchmark opens its own data set; a synthetic load its own connection.
        Command::Bench(args) => return commands::bench::bench(config, args).await,
        Command::Seed(SeedCommand::Synthetic(args)) => {
            return commands::bench::seed_synthetic(config, &args).await
        }
        Command::Backup(args) => return commands::backup::backup(&config, &args).await,
        Command::Restore(args) => return commands::backup::restore(&config, &args).await,
        _ => {}
    }
    let store = commands::open_store(&config).await?;
    let result = match command {
        Command::Serve { demo, .. } => commands::serve(&config, store.clone(), demo).await,
        Command::Migrate => {
            println!("schema version {}", store.schema_version().await?);
            Ok(())
        }
        Command::Import(ImportCommand::Divisions { file }) => {
            commands::import_divisions(&store, &file).await
        }
        Command::Seed(SeedCommand::Demo) => {
            seed::demo(&store, config.demo_feedback, config.demo_meetings)
                .await
                .map(|report| {
                    println!("{report}");
                })
        }
        Command::Seed(SeedCommand::Synthetic(_)) => Ok(()),
        Command::Config(_) | Command::Access(_) | Command::Bench(_) => Ok(()),
        Command::Backup(_) | Command::Restore(_) => Ok(()),
        Command::Territory(t) => commands::territory(&store, t).await,
        Command::User(UserCommand::Add {
            username,
            role,
            unit,
            display_name,
            password_stdin: _,
        }) => {
            commands::user_add(
                &store,
                &username,
                &role,
                unit.as_deref(),
                display_name.as_deref(),
            )
            .await
        }
        Command::User(UserCommand::LinkResident { username, resident }) => {
            commands::user_link_resident(&store, &username, resident).await
        }
        Command::Token(TokenCommand::Create { username, name }) => {
            commands::token_create(&store, &username, &name).await
        }
        Command::Groups(GroupsCommand::TermYears { code, years }) => {
            commands::groups::term_years(&store, &code, years.as_deref()).await
        }
        Command::Feedback(FeedbackCommand::RunJobs) => {
            commands::feedback_run_jobs(store.clone()).await
        }
        Command::Outbox(c) => delivery::command(&config, store.clone(), c).await,
        Command::ActionItems(ActionItemsCommand::RunJobs) => {
            commands::action_items_run_jobs(store.clone()).await
        }
    };
    store.close().await;
    result
}
