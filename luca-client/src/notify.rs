//! Notification matching on the guest's device.

use luca_protocol::derive;
use luca_protocol::ids::HealthOfficeId;
use luca_protocol::messages::notification_list::{MAX_LEVEL, NotificationList};

use crate::history::CheckInEntry;

/// What a health office's notification list says about one of the guest's check-ins.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Notice {
    /// Level 0: the health office accessed the guest's data of this check-in
    /// (the venue consented and the office decrypted the contact data).
    DataAccessed,
    /// Levels 1..=3: the health office warns the guest, who was at the venue at
    /// the same time as an infected guest.
    Warning {
        /// The warning level, 1..=3 (the highest listed for the check-in).
        level: u8,
    },
}

/// "Your data was accessed by office X at check-in Y", or "warning level N at check-in Y".
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct NotificationMatch {
    /// The health office that published the list.
    pub office: HealthOfficeId,
    /// The guest's check-in the notice is about.
    pub check_in: CheckInEntry,
    /// What the office says.
    pub notice: Notice,
}

/// Looks each check-in's hashes up in the list: level 0, then the highest warning level.
pub(crate) fn matches<'a>(
    list: &NotificationList,
    check_ins: impl Iterator<Item = &'a CheckInEntry>,
) -> Vec<NotificationMatch> {
    let office = list.health_office_id();
    let listed = |entry: &CheckInEntry, level: u8| {
        list.hashes().binary_search(&derive::notification_hash(&entry.trace_id, &office, level)).is_ok()
    };
    let mut out = Vec::new();
    for entry in check_ins {
        if listed(entry, 0) {
            out.push(NotificationMatch { office, check_in: *entry, notice: Notice::DataAccessed });
        }
        if let Some(level) = (1..=MAX_LEVEL).rev().find(|level| listed(entry, *level)) {
            out.push(NotificationMatch { office, check_in: *entry, notice: Notice::Warning { level } });
        }
    }
    out
}
