//! A terminal client for trying Baton by hand against a running edge, as a visitor or an agent.
//!
//!   baton-chat visitor --edge http://127.0.0.1:8787 --site northwind
//!   baton-chat agent --edge http://127.0.0.1:8787 --site northwind --email E --password P
//!
//! Type /help for commands. Frames from the edge are printed as they arrive.

use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand};
use baton_core::EventKind;
use futures_util::stream::{SplitSink, StreamExt};
use futures_util::SinkExt;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Sink = SplitSink<WebSocketStream<MaybeTlsStream<TcpStream>>, Message>;
type Failure = String;

struct Args {
    mode: String,
    edge: String,
    site: String,
    email: String,
    password: String,
}

fn parse_args() -> Result<Args, Failure> {
    let mut args = std::env::args().skip(1);
    let mode = args
        .next()
        .ok_or("usage: baton-chat visitor|agent --edge URL --site ID [--email E --password P]")?;
    let mut parsed = Args {
        mode,
        edge: "http://127.0.0.1:8787".into(),
        site: "northwind".into(),
        email: String::new(),
        password: String::new(),
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--edge" => parsed.edge = value,
            "--site" => parsed.site = value,
            "--email" => parsed.email = value,
            "--password" => parsed.password = value,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() {
    let result = match parse_args() {
        Ok(args) if args.mode == "visitor" => visitor(args).await,
        Ok(args) if args.mode == "agent" => agent(args).await,
        Ok(args) => Err(format!("unknown mode {}", args.mode)),
        Err(error) => Err(error),
    };
    if let Err(error) = result {
        eprintln!("baton-chat: {error}");
        std::process::exit(1);
    }
}

fn describe(frame: &ServerFrame) -> String {
    match frame {
        ServerFrame::Event { event } => {
            let text = match &event.kind {
                EventKind::VisitorMessage { text, .. } => format!("visitor: {text}"),
                EventKind::BotMessage {
                    text,
                    offer_human,
                    suggestions,
                } => {
                    let offer = if *offer_human {
                        "   [/human: Talk to a person]"
                    } else {
                        ""
                    };
                    let options: String = suggestions
                        .iter()
                        .map(|q| format!("\n   [did you mean] {q}"))
                        .collect();
                    format!("bot: {text}{offer}{options}")
                }
                EventKind::AgentMessage { agent, text, .. } => format!("{}: {text}", agent.name),
                EventKind::InternalComment { agent, text } => {
                    format!("(internal) {}: {text}", agent.name)
                }
                EventKind::ContactRequested => {
                    "-- please give your name and email: /contact NAME EMAIL".into()
                }
                EventKind::Waiting { .. } => {
                    "-- Please wait while we connect you to an agent".into()
                }
                EventKind::WaitNotice => "-- All agents are busy, thanks for waiting".into(),
                EventKind::LeaveMessageOffered => {
                    "-- You can leave a message: /leave NAME EMAIL MESSAGE".into()
                }
                EventKind::AgentJoined { agent } => format!("-- {} joined the chat", agent.name),
                EventKind::AgentLeft { agent } => format!("-- {} left the chat", agent.name),
                other => format!("-- {}", serde_json::to_string(other).unwrap_or_default()),
            };
            format!("[{}] {text}", event.seq)
        }
        other => format!("   {}", serde_json::to_string(other).unwrap_or_default()),
    }
}

async fn connect(url: &str, bearer: Option<&str>) -> Result<Sink, Failure> {
    let mut request = url.into_client_request().map_err(|e| e.to_string())?;
    if let Some(token) = bearer {
        let value = format!("Bearer {token}")
            .parse()
            .map_err(|_| "bad token".to_string())?;
        request.headers_mut().insert("authorization", value);
    }
    let (stream, _) = tokio_tungstenite::connect_async(request)
        .await
        .map_err(|e| e.to_string())?;
    let (sink, mut source) = stream.split();
    tokio::spawn(async move {
        while let Some(Ok(message)) = source.next().await {
            if let Message::Text(text) = message {
                match serde_json::from_str::<ServerFrame>(text.as_str()) {
                    Ok(frame) => println!("{}", describe(&frame)),
                    Err(_) => println!("   {text}"),
                }
            }
        }
        println!("-- connection closed");
    });
    Ok(sink)
}

async fn send<T: serde::Serialize>(sink: &mut Sink, command: &T) -> Result<(), Failure> {
    let text = serde_json::to_string(command).map_err(|e| e.to_string())?;
    sink.send(Message::text(text))
        .await
        .map_err(|e| e.to_string())
}

async fn visitor(args: Args) -> Result<(), Failure> {
    let http = baton_tests::edge::http_client();
    let started: serde_json::Value = http
        .post(format!(
            "{}/api/v1/sites/{}/conversations",
            args.edge, args.site
        ))
        .json(&serde_json::json!({ "page": "terminal" }))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let (Some(id), Some(token)) = (
        started["conversation_id"].as_str(),
        started["token"].as_str(),
    ) else {
        return Err(format!("could not start: {started}"));
    };
    println!("conversation {id} (type /help)");
    let ws = args.edge.replacen("http", "ws", 1);
    let mut sink = connect(
        &format!("{ws}/api/v1/conversations/{id}/ws?token={token}"),
        None,
    )
    .await?;
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let words: Vec<&str> = line.split_whitespace().collect();
        let command = match words.as_slice() {
            ["/help"] => {
                println!("/human  /contact NAME EMAIL  /leave NAME EMAIL MESSAGE...  /quit  (anything else is a message)");
                continue;
            }
            ["/quit"] => break,
            ["/human"] => VisitorCommand::RequestHuman,
            ["/contact", name, email] => VisitorCommand::Contact {
                name: name.to_string(),
                email: email.to_string(),
            },
            ["/leave", name, email, message @ ..] => VisitorCommand::LeaveMessage {
                name: name.to_string(),
                email: email.to_string(),
                message: message.join(" "),
            },
            [] => continue,
            _ => VisitorCommand::Message {
                text: line.clone(),
                client_id: None,
            },
        };
        send(&mut sink, &command).await?;
    }
    Ok(())
}

async fn agent(args: Args) -> Result<(), Failure> {
    let http = baton_tests::edge::http_client();
    let login: serde_json::Value = http
        .post(format!("{}/api/v1/auth/login", args.edge))
        .json(&serde_json::json!({ "email": args.email, "password": args.password }))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let token = login["token"]
        .as_str()
        .ok_or(format!("login refused: {login}"))?
        .to_string();
    println!("signed in as {} (type /help)", login["agent"]["name"]);
    let ws = args.edge.replacen("http", "ws", 1);
    let site_url = format!("{ws}/api/v1/sites/{}/ws", args.site);
    let mut site = connect(&site_url, Some(&token)).await?;
    let mut chat: Option<Sink> = None;
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let words: Vec<&str> = line.split_whitespace().collect();
        let command = match words.as_slice() {
            ["/help"] => {
                println!("/open ID  /accept  /take  /join  /archive  /review  /comment TEXT  /forward GROUP  /block REASON  /away  /back  /quit");
                continue;
            }
            ["/quit"] => break,
            ["/open", id] => {
                let url = format!("{ws}/api/v1/sites/{}/conversations/{id}/ws", args.site);
                chat = Some(connect(&url, Some(&token)).await?);
                continue;
            }
            ["/away"] | ["/back"] => {
                let available = words[0] == "/back";
                send(
                    &mut site,
                    &baton_core::protocol::SiteCommand::SetAvailability { available },
                )
                .await?;
                continue;
            }
            ["/accept"] => AgentCommand::Accept,
            ["/take"] => AgentCommand::TakeControl,
            ["/join"] => AgentCommand::Join,
            ["/archive"] => AgentCommand::LeaveAndArchive,
            ["/review"] => AgentCommand::ReviewAndArchive,
            ["/comment", text @ ..] => AgentCommand::Comment {
                text: text.join(" "),
            },
            ["/forward", group] => AgentCommand::Forward {
                group: group.to_string(),
            },
            ["/block", reason @ ..] => AgentCommand::Block {
                reason: reason.join(" "),
                message: "This conversation has been closed.".into(),
            },
            [] => continue,
            _ => AgentCommand::Message {
                text: line.clone(),
                client_id: None,
            },
        };
        match chat.as_mut() {
            Some(sink) => send(sink, &command).await?,
            None => println!("open a conversation first: /open ID"),
        }
    }
    Ok(())
}
