//! Messages that are not QR codes: one file per message type.

pub mod additional_data;
pub mod checkin_record;
pub mod checkout;
pub mod consent_response;
pub mod contact_data;
pub mod history_share;
pub mod inner_record;
pub mod key_share;
pub mod notification_list;
pub mod text;
pub mod tracing_request;
