//! Administration commands: `user`, `token`, `collection` and `grant`.
//!
//! Each works against the data directory of a stopped (or running) node,
//! opening its database directly, or against a running node through its
//! admin HTTP API (`--server URL`). Both paths apply the same rules: the
//! local one calls `liaison_core::admin`, which the admin API calls too.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use liaison_core::Store;
use liaison_core::admin;
use liaison_core::clock::{Clock, SystemClock};
use liaison_core::federation::Clearance;
use liaison_core::users::hash_password;
use liaison_stix::Timestamp;

use super::remote::RemoteAdmin;
use crate::bootstrap::DEFAULT_API_ROOT;
use crate::config::{ConfigFile, Database};

/// Where an administration command acts.
#[derive(Debug, Clone, clap::Args)]
pub struct TargetArgs {
    /// Configuration file of the node (for its data directory and database).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data directory of the node [default: ./liaison-data].
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Database of the node (overrides the data directory's SQLite file).
    #[arg(
        long,
        global = true,
        value_name = "DATABASE",
        env = "LIAISON_DATABASE",
        hide_env_values = true
    )]
    database: Option<String>,
    /// A running node's URL (e.g. https://127.0.0.1:8443): act through its
    /// admin API, authenticating with LIAISON_TOKEN or LIAISON_USER and
    /// LIAISON_PASSWORD.
    #[arg(long, global = true, value_name = "URL")]
    server: Option<String>,
    /// CA or self-signed certificate (PEM) to trust for --server; the node's
    /// own certificate is in its data directory under tls/cert.pem.
    #[arg(long, global = true, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
}

/// `liaison user ...`
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input.
    Add {
        name: String,
        #[arg(long, value_parser = ["admin", "analyst", "reader"])]
        role: String,
        /// Create a token-only user without a password.
        #[arg(long)]
        no_password: bool,
    },
    /// Change a user's password (read from standard input).
    Passwd { name: String },
    /// Change a user's role.
    Role {
        name: String,
        #[arg(value_parser = ["admin", "analyst", "reader"])]
        role: String,
    },
    /// Delete a user with its tokens and grants.
    Remove { name: String },
    /// Set which TLP levels a user may read: standard (up to TLP:AMBER),
    /// amber-strict (adds TLP:AMBER+STRICT) or red (everything).
    Clearance {
        name: String,
        #[arg(value_parser = ["standard", "amber-strict", "red"])]
        clearance: String,
    },
    /// List users.
    List,
}

/// `liaison token ...`
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Issue an API token for a user; it is printed once.
    Create {
        user: String,
        /// What the token is for, e.g. "SIEM connector".
        #[arg(long, default_value = "cli")]
        label: String,
    },
    /// List a user's tokens (without their secrets).
    List { user: String },
    /// Revoke a token by its id.
    Revoke { id: String },
}

/// `liaison collection ...`
#[derive(Debug, clap::Subcommand)]
pub enum CollectionCommand {
    /// Create a collection; prints its id.
    Add {
        #[arg(long)]
        title: String,
        #[arg(long)]
        alias: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long, default_value = DEFAULT_API_ROOT)]
        api_root: String,
    },
    /// List collections.
    List {
        #[arg(long, default_value = DEFAULT_API_ROOT)]
        api_root: String,
    },
}

/// `liaison grant USER COLLECTION RIGHTS`
#[derive(Debug, clap::Args)]
pub struct GrantArgs {
    user: String,
    /// Collection id or alias.
    collection: String,
    /// read, write, read-write or none.
    rights: String,
    #[arg(long, default_value = DEFAULT_API_ROOT)]
    api_root: String,
}

/// The node an administration command acts on.
pub(crate) enum Target {
    Local(Arc<dyn Store>),
    Remote(RemoteAdmin),
}

impl TargetArgs {
    pub(crate) async fn open(&self) -> anyhow::Result<Target> {
        if let Some(url) = &self.server {
            return Ok(Target::Remote(RemoteAdmin::from_env(
                url,
                self.ca_cert.as_deref(),
            )?));
        }
        let (_, database) = self.local()?;
        if let Database::Sqlite(path) = &database
            && !path.exists()
        {
            bail!(
                "no Liaison database at {}: start the node once with `liaison serve`, or pass --data/--server",
                path.display()
            );
        }
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let store = liaison_store::open(&database.locator(), clock)
            .await
            .with_context(|| format!("opening the database ({})", database.describe()))?;
        Ok(Target::Local(store))
    }

    /// The data directory and database of a local target (flags first,
    /// then the configuration file, then the defaults).
    pub(crate) fn local(&self) -> anyhow::Result<(PathBuf, Database)> {
        let file = match &self.config {
            Some(path) => ConfigFile::load(path)?,
            None => ConfigFile::default(),
        };
        let data = self
            .data
            .clone()
            .or(file.data)
            .unwrap_or_else(|| PathBuf::from("./liaison-data"));
        let database =
            Database::parse(self.database.as_deref().or(file.database.as_deref()), &data)?;
        Ok((data, database))
    }
}

pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime")
}

/// Reads a password from standard input (one line; prompts on a terminal).
fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password (input is visible; pipe it in to avoid that): ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password on standard input (use --no-password for a token-only user)");
    }
    Ok(password)
}

fn hash(password: &str) -> anyhow::Result<String> {
    hash_password(password).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Runs `liaison user ...`.
pub fn user(target: &TargetArgs, command: UserCommand) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let target = target.open().await?;
        match command {
            UserCommand::Add {
                name,
                role,
                no_password,
            } => {
                let password = if no_password {
                    None
                } else {
                    Some(read_password()?)
                };
                match &target {
                    Target::Local(store) => {
                        let hash = password.as_deref().map(hash).transpose()?;
                        admin::add_user(store.as_ref(), &name, &role, hash).await?;
                    }
                    Target::Remote(remote) => {
                        remote.add_user(&name, &role, password.as_deref()).await?
                    }
                }
                println!("created user {name} ({role})");
            }
            UserCommand::Passwd { name } => {
                let password = read_password()?;
                match &target {
                    Target::Local(store) => {
                        admin::update_user(store.as_ref(), &name, None, Some(hash(&password)?))
                            .await?;
                    }
                    Target::Remote(remote) => {
                        remote.update_user(&name, None, Some(&password)).await?
                    }
                }
                println!("changed the password of {name}");
            }
            UserCommand::Role { name, role } => {
                match &target {
                    Target::Local(store) => {
                        admin::update_user(store.as_ref(), &name, Some(&role), None).await?;
                    }
                    Target::Remote(remote) => remote.update_user(&name, Some(&role), None).await?,
                }
                println!("{name} is now {role}");
            }
            UserCommand::Remove { name } => {
                match &target {
                    Target::Local(store) => admin::remove_user(store.as_ref(), &name).await?,
                    Target::Remote(remote) => remote.remove_user(&name).await?,
                }
                println!("removed user {name}");
            }
            UserCommand::Clearance { name, clearance } => {
                let level: Clearance = clearance.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
                match &target {
                    Target::Local(store) => {
                        let mut user = store
                            .user(&name)
                            .await?
                            .with_context(|| format!("no user {name:?}"))?;
                        user.clearance = level;
                        store.update_user(&user).await?;
                    }
                    Target::Remote(remote) => remote.set_clearance(&name, level.as_str()).await?,
                }
                println!("{name} now has clearance {level}");
            }
            UserCommand::List => {
                let users = match &target {
                    Target::Local(store) => store
                        .users()
                        .await?
                        .into_iter()
                        .map(|u| (u.name, u.role.to_string(), u.password_hash.is_some()))
                        .collect(),
                    Target::Remote(remote) => remote.users().await?,
                };
                for (name, role, has_password) in users {
                    println!(
                        "{name}\t{role}\t{}",
                        if has_password {
                            "password"
                        } else {
                            "token-only"
                        }
                    );
                }
            }
        }
        Ok(())
    })
}

/// Runs `liaison token ...`.
pub fn token(target: &TargetArgs, command: TokenCommand) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let target = target.open().await?;
        match command {
            TokenCommand::Create { user, label } => {
                let token = match &target {
                    Target::Local(store) => {
                        admin::create_token(store.as_ref(), &user, &label, SystemClock.now_micros())
                            .await?
                            .token
                    }
                    Target::Remote(remote) => remote.create_token(&user, &label).await?,
                };
                eprintln!(
                    "token for {user} (shown once; use it as `Authorization: Bearer <token>`):"
                );
                println!("{token}");
            }
            TokenCommand::List { user } => {
                let tokens = match &target {
                    Target::Local(store) => store
                        .tokens_of(&user)
                        .await?
                        .into_iter()
                        .map(|t| {
                            (
                                t.id,
                                t.label,
                                Timestamp::from_unix_micros(t.created).to_taxii_string(),
                            )
                        })
                        .collect(),
                    Target::Remote(remote) => remote.tokens(&user).await?,
                };
                for (id, label, created) in tokens {
                    println!("{id}\t{created}\t{label}");
                }
            }
            TokenCommand::Revoke { id } => {
                match &target {
                    Target::Local(store) => store
                        .delete_token(&id)
                        .await
                        .map_err(admin::AdminError::from)?,
                    Target::Remote(remote) => remote.revoke_token(&id).await?,
                }
                println!("revoked token {id}");
            }
        }
        Ok(())
    })
}

/// Runs `liaison collection ...`.
pub fn collection(target: &TargetArgs, command: CollectionCommand) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let target = target.open().await?;
        match command {
            CollectionCommand::Add {
                title,
                alias,
                description,
                api_root,
            } => {
                let id = match &target {
                    Target::Local(store) => {
                        admin::add_collection(
                            store.as_ref(),
                            &api_root,
                            &title,
                            alias.as_deref(),
                            description.as_deref(),
                        )
                        .await?
                        .id
                    }
                    Target::Remote(remote) => {
                        remote
                            .add_collection(
                                &api_root,
                                &title,
                                alias.as_deref(),
                                description.as_deref(),
                            )
                            .await?
                    }
                };
                println!("{id}");
            }
            CollectionCommand::List { api_root } => {
                let collections = match &target {
                    Target::Local(store) => store
                        .collections(&api_root)
                        .await?
                        .into_iter()
                        .map(|c| (c.id, c.alias.unwrap_or_default(), c.title))
                        .collect(),
                    Target::Remote(remote) => remote.collections(&api_root).await?,
                };
                for (id, alias, title) in collections {
                    println!("{id}\t{alias}\t{title}");
                }
            }
        }
        Ok(())
    })
}

/// Runs `liaison grant ...`.
pub fn grant(target: &TargetArgs, args: GrantArgs) -> anyhow::Result<()> {
    let (read, write) = admin::parse_rights(&args.rights)?;
    runtime()?.block_on(async {
        match target.open().await? {
            Target::Local(store) => {
                admin::set_grant(
                    store.as_ref(),
                    &args.user,
                    &args.api_root,
                    &args.collection,
                    read,
                    write,
                )
                .await?;
            }
            Target::Remote(remote) => {
                remote
                    .set_grant(&args.user, &args.api_root, &args.collection, read, write)
                    .await?;
            }
        }
        println!("{} has {} on {}", args.user, args.rights, args.collection);
        Ok(())
    })
}
