//! A coordinator and N custodians started in-process on free loopback ports, each with its
//! own SQLite file in a temporary directory (removed when the cluster is dropped). Custodians
//! can be stopped and restarted from their databases, on the same port.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use quorumvm_service::{coordinator, custodian};
use service_kit::ServiceError;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::client::{Http, failed};
use super::installer::Endpoints;
use crate::commands::Failure;

/// A directory under the system's temporary directory, removed on drop.
#[derive(Debug)]
pub(crate) struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// A new, empty, uniquely named directory.
    pub(crate) fn new(prefix: &str) -> Result<Self, Failure> {
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce).map_err(|e| failed(format!("no OS randomness: {e}")))?;
        let path = std::env::temp_dir().join(format!(
            "{prefix}-{}-{}",
            std::process::id(),
            canon::hex::encode(&nonce)
        ));
        std::fs::create_dir_all(&path)
            .map_err(|e| Failure::new("CLI_IO", format!("{}: {e}", path.display())))?;
        Ok(Self { path })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// One running service: its address, the trigger of its graceful shutdown and its task.
#[derive(Debug)]
struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServiceError>>>,
}

impl Running {
    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Triggers the graceful shutdown and waits (at most 5 s) for the task to end.
    async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }

    /// Waits until `/health` answers 200, failing at once with the service's error if its
    /// task ends (a start-up error such as `SVC_KEY_WRONG`).
    async fn wait_healthy(&mut self, http: &Http) -> Result<(), Failure> {
        let url = format!("{}/health", self.url());
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(task) = self.task.take_if(|t| t.is_finished()) {
                let why = match task.await {
                    Ok(Ok(())) => "it stopped".to_owned(),
                    Ok(Err(e)) => format!("{}: {}", e.code, e.message),
                    Err(e) => format!("it panicked: {e}"),
                };
                return Err(failed(format!(
                    "the service at {} did not start: {why}",
                    self.url()
                )));
            }
            let last = match http.get(&url).await {
                Ok(reply) if reply.status == 200 => return Ok(()),
                Ok(reply) => reply.summary(),
                Err(failure) => failure.message,
            };
            if tokio::time::Instant::now() >= deadline {
                return Err(failed(format!("{url}: not healthy after 10 s: {last}")));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Binds `addr` (port 0: a free port) on loopback.
async fn bind(addr: SocketAddr) -> Result<TcpListener, Failure> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| failed(format!("cannot listen on {addr}: {e}")))
}

fn spawn_service<F>(listener: TcpListener, serve: F) -> Result<Running, Failure>
where
    F: FnOnce(TcpListener, oneshot::Receiver<()>) -> JoinHandle<Result<(), ServiceError>>,
{
    let addr = listener
        .local_addr()
        .map_err(|e| failed(format!("local address: {e}")))?;
    let (stop, stopped) = oneshot::channel();
    let task = serve(listener, stopped);
    Ok(Running {
        addr,
        stop: Some(stop),
        task: Some(task),
    })
}

fn start_coordinator(
    listener: TcpListener,
    config: coordinator::Config,
) -> Result<Running, Failure> {
    spawn_service(listener, move |listener, stopped| {
        tokio::spawn(coordinator::serve(listener, config, async move {
            let _ = stopped.await;
        }))
    })
}

fn start_custodian(listener: TcpListener, config: custodian::Config) -> Result<Running, Failure> {
    spawn_service(listener, move |listener, stopped| {
        tokio::spawn(custodian::serve(listener, config, async move {
            let _ = stopped.await;
        }))
    })
}

/// A custodian's configuration, through its TOML form (so that options it may gain keep their
/// defaults here).
fn custodian_config(x: u8, database: &Path, key_file: &Path) -> Result<custodian::Config, Failure> {
    let mut table = toml::Table::new();
    table.insert("x".into(), toml::Value::Integer(i64::from(x)));
    table.insert(
        "database".into(),
        toml::Value::String(database.to_string_lossy().into_owned()),
    );
    table.insert(
        "at_rest_key_file".into(),
        toml::Value::String(key_file.to_string_lossy().into_owned()),
    );
    let text = toml::to_string(&table).map_err(|e| failed(format!("custodian config: {e}")))?;
    custodian::Config::from_toml_str(&text).map_err(|e| failed(format!("custodian config: {e}")))
}

/// The in-process services.
#[derive(Debug)]
pub(crate) struct LocalCluster {
    dir: TempDir,
    coordinator: Running,
    custodians: Vec<Running>,
    configs: Vec<custodian::Config>,
}

impl LocalCluster {
    /// Starts a coordinator (K = `k`) and `n` custodians (x = 1..=n) on loopback, with a fresh
    /// at-rest key in a key file, and waits until every `/health` answers.
    pub(crate) async fn start(
        k: usize,
        n: usize,
        call_timeout_ms: u64,
        http: &Http,
    ) -> Result<Self, Failure> {
        let dir = TempDir::new("quorate-demo")?;
        let key_file = dir.path().join("at-rest.key");
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| failed(format!("no OS randomness: {e}")))?;
        std::fs::write(&key_file, canon::hex::encode(&key))
            .map_err(|e| Failure::new("CLI_IO", format!("{}: {e}", key_file.display())))?;

        let loopback: SocketAddr = ([127, 0, 0, 1], 0).into();
        let mut coordinator_config =
            coordinator::Config::new(k, n, dir.path().join("coordinator.sqlite"));
        coordinator_config.call_timeout_ms = call_timeout_ms;
        let coordinator = start_coordinator(bind(loopback).await?, coordinator_config)?;
        let mut custodians = Vec::new();
        let mut configs = Vec::new();
        for x in 1..=n {
            let x = u8::try_from(x).map_err(|_| failed("at most 255 custodians"))?;
            let config = custodian_config(
                x,
                &dir.path().join(format!("custodian-{x}.sqlite")),
                &key_file,
            )?;
            custodians.push(start_custodian(bind(loopback).await?, config.clone())?);
            configs.push(config);
        }
        let mut cluster = Self {
            dir,
            coordinator,
            custodians,
            configs,
        };
        cluster.wait_healthy(http).await?;
        Ok(cluster)
    }

    async fn wait_healthy(&mut self, http: &Http) -> Result<(), Failure> {
        self.coordinator.wait_healthy(http).await?;
        for custodian in &mut self.custodians {
            custodian.wait_healthy(http).await?;
        }
        Ok(())
    }

    /// The directory of the databases.
    pub(crate) fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The services' base URLs.
    pub(crate) fn endpoints(&self) -> Endpoints {
        let custodians: Vec<String> = self.custodians.iter().map(Running::url).collect();
        Endpoints::new(&self.coordinator.url(), &custodians)
    }

    fn custodian(&mut self, x: u8) -> Result<&mut Running, Failure> {
        self.custodians
            .get_mut(usize::from(x).wrapping_sub(1))
            .ok_or_else(|| failed(format!("no custodian {x}")))
    }

    /// Stops custodian `x` (graceful shutdown; its database stays).
    pub(crate) async fn stop_custodian(&mut self, x: u8) -> Result<(), Failure> {
        self.custodian(x)?.stop().await;
        Ok(())
    }

    /// Starts custodian `x` again from its database, on its old port.
    pub(crate) async fn restart_custodian(&mut self, x: u8, http: &Http) -> Result<(), Failure> {
        let config = self
            .configs
            .get(usize::from(x).wrapping_sub(1))
            .cloned()
            .ok_or_else(|| failed(format!("no custodian {x}")))?;
        let running = self.custodian(x)?;
        let addr = running.addr;
        let mut listener = bind(addr).await;
        // The old socket may linger for a moment after a shutdown.
        for _ in 0..20 {
            if listener.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            listener = bind(addr).await;
        }
        *running = start_custodian(listener?, config)?;
        running.wait_healthy(http).await
    }

    /// Stops every service (the directory goes when the cluster is dropped).
    pub(crate) async fn shutdown(mut self) {
        for custodian in &mut self.custodians {
            custodian.stop().await;
        }
        self.coordinator.stop().await;
    }
}
