//! The background task that does all HTTP: commands in, answers out on the app's event
//! channel, tagged with the request id. Each request runs on its own task so a slow list
//! never holds up a create.

use crate::api::ApiClient;
use crate::event::{ApiEvent, Command, Event};
use std::time::Instant;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

pub struct Worker {
    client: ApiClient,
    events: UnboundedSender<Event>,
    tasks: JoinSet<()>,
}

impl Worker {
    pub fn new(client: ApiClient, events: UnboundedSender<Event>) -> Worker {
        Worker {
            client,
            events,
            tasks: JoinSet::new(),
        }
    }

    /// Starts the request and returns at once. `Copy` is not the worker's: it goes to the
    /// terminal, so it is ignored here.
    pub fn run(&mut self, command: Command) {
        // Finished tasks are collected here so the set does not grow over a long session.
        while self.tasks.try_join_next().is_some() {}
        let client = self.client.clone();
        let events = self.events.clone();
        let started = Instant::now();
        match command {
            Command::Negotiate { id } => {
                self.tasks.spawn(async move {
                    let result = client.negotiate().await;
                    let _ = events.send(Event::Api(ApiEvent::Negotiated { id, result }));
                });
            }
            Command::List { id } => {
                self.tasks.spawn(async move {
                    let result = client.list().await;
                    let elapsed = started.elapsed();
                    let _ = events.send(Event::Api(ApiEvent::Listed {
                        id,
                        elapsed,
                        result,
                    }));
                });
            }
            Command::Create { id, req } => {
                self.tasks.spawn(async move {
                    let result = client.create(&req).await;
                    let elapsed = started.elapsed();
                    let _ = events.send(Event::Api(ApiEvent::Created {
                        id,
                        elapsed,
                        result,
                    }));
                });
            }
            Command::Deactivate { id, trunk_id } => {
                self.tasks.spawn(async move {
                    let result = client.deactivate(&trunk_id).await;
                    let elapsed = started.elapsed();
                    let _ = events.send(Event::Api(ApiEvent::Deactivated {
                        id,
                        elapsed,
                        trunk_id,
                        result,
                    }));
                });
            }
            Command::Copy(_) => {}
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Quitting must not wait for a slow server.
        self.tasks.abort_all();
    }
}
