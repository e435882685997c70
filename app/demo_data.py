"""What the demo is made of (app/demo.py builds it): rooms, staff, households, and name pools of
each community the demo setting serves. Every person is a random combination, so nobody is real.

Naming customs differ, and the demo follows them so staff screens look like the real thing:
- Polish and Lithuanian family names change with sex (and, in Lithuanian, with marriage);
- Somali children take their father's given name as their second name;
- Spanish, Portuguese, Arabic, Bengali and Pakistani mothers often keep their own family name.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.security import KEY_PERSON, MANAGER, PICO, PRACTITIONER

# (name, youngest age in months, oldest age in months) of each room.
MAIN_ROOMS = (("Babies", 3, 24), ("Toddlers", 24, 36), ("Pre-school", 36, 60))
SECOND_ROOMS = (("Pre-school", 24, 60),)

# (language community, household shape, number of children, older child has left for school)
MAIN_FAMILIES = (
    ("en", "couple", 2, False), ("en", "couple", 1, False), ("en", "single", 1, False),
    ("en", "separated", 1, False), ("en", "grandparent", 2, False), ("en", "two_mums", 1, False),
    ("en", "step", 1, False), ("en", "foster", 1, False), ("en", "restricted", 2, False),
    ("en", "couple", 1, False), ("en", "couple", 1, False), ("en", "couple", 1, False),
    ("pl", "grandparent", 2, True), ("pl", "couple", 1, False), ("pl", "single", 1, False),
    ("ro", "couple", 1, False), ("ro", "couple", 2, False), ("ro", "couple", 1, False),
    ("ur", "couple", 2, False), ("ur", "grandparent", 1, False), ("ur", "couple", 1, False),
    ("ar", "couple", 1, False), ("ar", "no_contact", 1, False),
    ("bn", "grandparent", 1, False), ("bn", "couple", 2, False),
    ("pa", "couple", 1, False), ("pa", "separated", 1, False),
    ("pt", "couple", 1, False), ("pt", "couple", 1, False),
    ("es", "couple", 1, False), ("es", "couple", 1, False),
    ("so", "couple", 2, True), ("so", "single", 1, False),
    ("lt", "couple", 1, False), ("lt", "couple", 1, False),
)
SECOND_FAMILIES = (
    ("en", "couple", 1, False), ("en", "single", 1, False), ("pl", "couple", 1, False),
    ("pt", "couple", 2, False), ("en", "couple", 1, False),
)

# (email, name, role, room); every demo login uses DEMO_PASSWORD.
MAIN_STAFF = (
    ("manager@example.org", "Claire Hebden", MANAGER, None),
    ("pico@example.org", "Nasreen Akhtar", PICO, None),
    ("keyperson@example.org", "Gemma Lister", KEY_PERSON, "Toddlers"),
    ("practitioner@example.org", "Tom Riley", PRACTITIONER, "Babies"),
    ("ewa.nowak@example.org", "Ewa Nowak", KEY_PERSON, "Babies"),
    ("joanne.pratt@example.org", "Joanne Pratt", KEY_PERSON, "Babies"),
    ("sunita.bains@example.org", "Sunita Bains", KEY_PERSON, "Toddlers"),
    ("marcus.reid@example.org", "Marcus Reid", KEY_PERSON, "Pre-school"),
    ("alina.popa@example.org", "Alina Popa", KEY_PERSON, "Pre-school"),
)
SECOND_STAFF = (
    ("oakfield.manager@example.org", "Ruth Caldwell", MANAGER, None),
    ("oakfield.keyperson@example.org", "Priya Mistry", KEY_PERSON, "Pre-school"),
)
RESTRICTION_REASON = ("Court order (prohibited steps) seen by the manager: no information about the "
                      "children may be given to this person, and he may not collect them.")


@dataclass(frozen=True)
class Community:
    """Names of one language community; `surnames` rows are (man, woman, girl) forms."""

    women: tuple[str, ...]
    men: tuple[str, ...]
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    surnames: tuple[tuple[str, str, str], ...]
    mother_keeps_own_name: bool = False
    patronymic: bool = False  # child's second name is the father's given name


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _same(text: str) -> tuple[tuple[str, str, str], ...]:
    return tuple((name, name, name) for name in text.split())


COMMUNITIES: dict[str, Community] = {
    "en": Community(
        women=_words("Sophie Emma Charlotte Hannah Laura Gemma Kirsty Rebecca Jade Natalie Leanne Zoe "
                     "Danielle Stacey Lauren Amy Claire Nicola Shannon Bethany"),
        men=_words("James Daniel Thomas Liam Craig Matthew Ryan Stuart Owen Ben Kieran Adam "
                   "Jamie Lee Connor Nathan Gareth Callum"),
        girls=_words("Amelia Isla Poppy Evie Ruby Ivy Rosie Florence Willow Phoebe Elsie Maisie Lottie Darcie"),
        boys=_words("Oliver Alfie Freddie Archie Harry Leo Teddy George Albie Reggie Arlo Jude Ezra Stanley"),
        surnames=_same("Whitfield Harland Pickering Ashworth Brennan Cartwright Holloway Marsh "
                       "Thornton Fletcher Bramley Kettering Lowther Sedgwick Oakes Pennington Rowley "
                       "Tranter Beckett Hollis Dunmore Yardley"),
    ),
    "pl": Community(
        women=_words("Katarzyna Agnieszka Magdalena Joanna Monika Aleksandra"),
        men=_words("Tomasz Piotr Paweł Krzysztof Marcin Łukasz"),
        girls=_words("Zofia Hanna Lena Maja Julia Alicja"),
        boys=_words("Jan Antoni Szymon Filip Franciszek Kacper"),
        surnames=(("Wiśniewski", "Wiśniewska", "Wiśniewska"), ("Zieliński", "Zielińska", "Zielińska"),
                  ("Nowicki", "Nowicka", "Nowicka"), ("Kowalczyk", "Kowalczyk", "Kowalczyk"),
                  ("Lewandowski", "Lewandowska", "Lewandowska"), ("Wójcik", "Wójcik", "Wójcik")),
    ),
    "ro": Community(
        women=_words("Andreea Ioana Elena Mihaela Alina Cristina"),
        men=_words("Andrei Mihai Florin Adrian Bogdan Cosmin"),
        girls=_words("Ana Sofia Maria Daria Ilinca Eva"),
        boys=_words("Luca Matei David Ștefan Tudor Vlad"),
        surnames=_same("Popescu Ionescu Dumitrescu Munteanu Constantin Stoica"),
    ),
    "ur": Community(
        women=_words("Ayesha Saima Nadia Farah Sadia Rabia"),
        men=_words("Imran Tariq Asif Kamran Bilal Usman"),
        girls=_words("Zainab Maryam Inaaya Aleena Hafsa Eman"),
        boys=_words("Ibrahim Musa Hamza Eesa Rayyan Zayan"),
        surnames=_same("Hussain Iqbal Mahmood Rashid Shah Siddiqui"),
        mother_keeps_own_name=True,
    ),
    "ar": Community(
        women=_words("Rania Huda Lina Reem Noor Samar"),
        men=_words("Omar Khaled Ahmad Yousef Mahmoud Tarek"),
        girls=_words("Yasmin Jana Layla Salma Lujain Maya"),
        boys=_words("Adam Karim Yahya Zaid Hadi Ali"),
        surnames=_same("Al-Hassan Haddad Khalil Nasser Darwish Mansour"),
        mother_keeps_own_name=True,
    ),
    "bn": Community(
        women=_words("Nasima Rehana Shirin Taslima Fahmida Rumana"),
        men=_words("Shahid Jamal Rafiq Mizanur Anwar Sohel"),
        girls=_words("Safa Humaira Tasnim Raisa Anika Nafisa"),
        boys=_words("Ayaan Rayan Arif Tahmid Rahim Sami"),
        surnames=(("Uddin", "Begum", "Uddin"), ("Miah", "Khatun", "Miah"), ("Rahman", "Akter", "Rahman"),
                  ("Islam", "Begum", "Islam"), ("Chowdhury", "Chowdhury", "Chowdhury")),
    ),
    "pa": Community(
        women=_words("Harpreet Manpreet Jasvinder Gurpreet Simran Navdeep"),
        men=_words("Jaswinder Harjit Gurdeep Sukhdev Amrik Ravinder"),
        girls=_words("Simar Jasleen Noor Harleen Amrit Prabhleen"),
        boys=_words("Arjun Gurveer Ekam Fateh Sehaj Arman"),
        surnames=_same("Sandhu Gill Dhillon Sidhu Johal Grewal"),
    ),
    "pt": Community(
        women=_words("Mariana Carla Patrícia Joana Inês Raquel"),
        men=_words("João Miguel Tiago Ricardo Bruno Nuno"),
        girls=_words("Beatriz Leonor Matilde Alice Clara Carolina"),
        boys=_words("Lucas Gabriel Tomás Rodrigo Duarte Afonso"),
        surnames=_same("Ferreira Santos Oliveira Pereira Costa Rodrigues Martins"),
        mother_keeps_own_name=True,
    ),
    "es": Community(
        women=_words("Lucía Marta Carmen Paula Alejandra Rocío"),
        men=_words("Javier Alejandro Sergio Diego Pablo Carlos"),
        girls=_words("Valeria Martina Daniela Olivia Jimena Candela"),
        boys=_words("Mateo Hugo Álvaro Martín Bruno Iker"),
        surnames=_same("García Martínez López Sánchez Romero Navarro Moreno"),
        mother_keeps_own_name=True,
    ),
    "so": Community(
        women=_words("Fadumo Hodan Amina Sahra Ifrah Ubah"),
        men=_words("Abdi Mohamed Abdirahman Liban Hassan Yusuf"),
        girls=_words("Hamdi Ayan Sagal Najma Ikran Hibo"),
        boys=_words("Khadar Mahad Guled Sakariye Bilal Mustafe"),
        surnames=_same("Warsame Farah Jama Nur Osman Aden Duale"),
        mother_keeps_own_name=True,
        patronymic=True,
    ),
    "lt": Community(
        women=_words("Rasa Jurgita Inga Aušra Vilma Rūta"),
        men=_words("Tomas Mindaugas Darius Andrius Giedrius Vytautas"),
        girls=_words("Emilija Kamilė Ugnė Gabija Austėja Lėja"),
        boys=_words("Benas Jonas Lukas Matas Kajus Dominykas"),
        surnames=(("Kazlauskas", "Kazlauskienė", "Kazlauskaitė"), ("Petrauskas", "Petrauskienė", "Petrauskaitė"),
                  ("Jankauskas", "Jankauskienė", "Jankauskaitė"), ("Žukauskas", "Žukauskienė", "Žukauskaitė"),
                  ("Stankevičius", "Stankevičienė", "Stankevičiūtė"), ("Butkus", "Butkienė", "Butkutė")),
    ),
}
