//! The accept loop behind `serve`. axum's own (`axum::serve`) sets no header-read timeout, so
//! a client that stalls mid-header, or connects and sends nothing, would hold its socket and
//! a file descriptor for ever; enough of them lock every other client out.

use super::ServeLimits;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

/// The pause before accepting again after an error of the server's own, such as running out
/// of file descriptors: long enough not to spin, short enough to serve soon after one frees.
const ACCEPT_RETRY: Duration = Duration::from_millis(50);

/// Serves `app` on `listener` until `stop` completes, then lets the connections finish (idle
/// ones are closed at once) and returns when all are done.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServeLimits,
    stop: impl Future<Output = ()>,
) {
    let mut http = http1::Builder::new();
    // The timeout also covers a kept-alive connection waiting for its next request.
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let graceful = GracefulShutdown::new();
    // Owned here, so a server that is dropped or aborted takes its connections with it.
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let service = TowerToHyperService::new(app.clone());
                    let connection =
                        graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                    connections.spawn(async move {
                        // How a connection ended (a timeout, a client gone) is its own business.
                        let _ = connection.await;
                    });
                }
                Err(e) if is_connection_error(&e) => {}
                Err(_) => tokio::time::sleep(ACCEPT_RETRY).await,
            },
            // Reaps finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    graceful.shutdown().await;
    // Every task is dropped (and with it its handle on the store) before this returns.
    while connections.join_next().await.is_some() {}
}

/// Errors of one connection that went away before it was accepted: accept the next at once.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
