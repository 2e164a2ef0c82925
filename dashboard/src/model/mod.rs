//! The dashboard's state without any view: plain structs fed with frames and answers, tested
//! natively. The view layer only renders them and sends commands.

pub mod answers;
pub mod calendar;
pub mod chat;
pub mod deliveries;
pub mod device;
pub mod digest;
pub mod keyed;
pub mod lists;
pub mod onboarding;
pub mod privacy;
pub mod route;
pub mod settings_fields;
pub mod settings_form;
pub mod stats;
pub mod toolbox;
pub mod transcript;
pub mod unanswered;
pub mod wire;

#[cfg(test)]
pub(crate) mod testing;
