//! `serve` on a real loopback listener: start-up errors before serving, answers, shutdown.

use quorumvm_service::custodian;
use tokio::sync::oneshot;

use super::support::{Dir, KEY, config};

#[tokio::test]
async fn serve_answers_on_loopback_and_shuts_down() {
    let dir = Dir::new("serve");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(custodian::serve(listener, config(&dir, 7, KEY), async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let mut health = None;
    for _ in 0..100 {
        if let Ok(response) = client.get(format!("http://{address}/health")).send().await {
            health = Some(response.json::<serde_json::Value>().await.unwrap());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let health = health.unwrap();
    assert_eq!(health["x"], 7);
    assert_eq!(health["custodian_id"], "custodian-7");
    // A malformed body over the network gets the error shape too.
    let response = client
        .post(format!("http://{address}/approve"))
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "SVC_BODY_INVALID");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn serve_reports_start_up_errors() {
    let dir = Dir::new("serve-error");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut config = config(&dir, 1, KEY);
    config.at_rest_key_file = Some(dir.path().join("absent.key"));
    let error = custodian::serve(listener, config, std::future::pending())
        .await
        .unwrap_err();
    assert_eq!(error.code, "SVC_KEY_MISSING");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut config = super::support::config(&dir, 1, KEY);
    config.x = 0;
    let error = custodian::serve(listener, config, std::future::pending())
        .await
        .unwrap_err();
    assert_eq!(error.code, "SVC_CONFIG_INVALID");
}

#[test]
fn config_reads_toml() {
    let config = custodian::Config::from_toml_str(
        "x = 3\ndatabase = \"/tmp/c3.sqlite\"\nat_rest_key_file = \"/tmp/k\"\n",
    )
    .unwrap();
    assert_eq!(config.x, 3);
    assert_eq!(config.database, std::path::PathBuf::from("/tmp/c3.sqlite"));
    let config = custodian::Config::from_toml_str("x = 3\ndatabase = \"d\"\n").unwrap();
    assert_eq!(config.at_rest_key_file, None);
    assert_eq!(config.fault, None);
    for (text, fault) in [
        (
            "add_one_to_output_share",
            custodian::Fault::AddOneToOutputShare,
        ),
        (
            "add_one_to_masked_shares",
            custodian::Fault::AddOneToMaskedShares,
        ),
    ] {
        let config = custodian::Config::from_toml_str(&format!(
            "x = 3\ndatabase = \"d\"\nfault = \"{text}\"\n"
        ))
        .unwrap();
        assert_eq!(config.fault, Some(fault));
        assert_eq!(fault.name(), text);
    }
    for bad in [
        "x = 0\ndatabase = \"d\"",
        "x = 256\ndatabase = \"d\"",
        "database = \"d\"",
        "x = 1\ndatabase = \"d\"\nport = 1",
        "x = 1\ndatabase = \"d\"\nfault = \"add_two\"",
    ] {
        let error = custodian::Config::from_toml_str(bad).unwrap_err();
        assert_eq!(error.code, "SVC_CONFIG_INVALID", "{bad}");
    }
}
